import Yams

extension YAMLNesting {
    /// Which limit a composed tree passes once its aliases are expanded, and where.
    enum Expansion: Equatable {
        case tooManyNodes(line: Int?)
        case tooDeep(line: Int?)
    }

    /// Nodes a suite may expand to: the largest suite in Probes/ has a few hundred.
    static let nodeLimit = 100_000

    /// Checks the tree as the decoder will walk it: an alias (`*a`) repeats the node its anchor names,
    /// so a few lines can stand for billions of nodes (the "billion laughs" file, which kept the
    /// suite reader busy for minutes) or for a depth the text does not show (an alias of a deep node
    /// inside another). Walks with an explicit stack and stops at the first limit passed, so its own
    /// cost is bounded by `nodeLimit` whatever the input.
    /// - Returns: nil when the expanded tree has at most `nodeLimit` nodes and `limit` levels.
    static func expansion(of root: Node, nodeLimit: Int = nodeLimit, depthLimit: Int = limit) -> Expansion? {
        var stack: [(node: Node, depth: Int)] = [(root, 1)]
        var nodes = 0
        while let (node, depth) = stack.popLast() {
            nodes += 1
            if nodes > nodeLimit { return .tooManyNodes(line: node.mark?.line) }
            if depth > depthLimit { return .tooDeep(line: node.mark?.line) }
            if let map = node.mapping {
                for (key, value) in map { stack.append((key, depth + 1)); stack.append((value, depth + 1)) }
            } else if let sequence = node.sequence {
                for item in sequence { stack.append((item, depth + 1)) }
            }
        }
        return nil
    }
}
