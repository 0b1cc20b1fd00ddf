import CYaml

/// How deeply a YAML text nests its collections, measured before anything builds a tree of it.
///
/// Yams composes its node tree recursively (`Parser.loadNode` → `loadSequence` → `loadNode`), and the
/// decoder walks it the same way, so a document nested thousands of levels deep (`[[[[...`, or
/// `- - - - ...`) overflows the stack before any check of the suite can run. libyaml's event parser
/// keeps its state on the heap; counting its collection start and end events bounds the depth first.
/// (CYaml is Yams' own copy of libyaml, linked with it; no second YAML library.)
enum YAMLNesting {
    /// Deeper than this is refused: a suite nests 4 levels (groups → name → fields → list).
    static let limit = 64

    /// The 1-based line of the first collection that opens deeper than `limit` levels, or nil when
    /// none does. A syntax error ends the scan with nil: Yams reports it with its own line.
    /// - Complexity: O(n) in the text's length, constant stack.
    static func firstLineDeeperThanLimit(_ yaml: String, limit: Int = limit) -> Int? {
        let bytes = Array(yaml.utf8)
        guard !bytes.isEmpty else { return nil }   // libyaml asserts on an input without bytes
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                let type = event.type, line = Int(event.start_mark.line) + 1
                yaml_event_delete(&event)
                switch type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > limit { return line }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT, YAML_NO_EVENT:
                    return nil
                default:
                    break
                }
            }
        }
    }
}
