import ArgumentParser
import Plotting
import VisionModels

/// The `sinkscope` root command. Each subcommand lives in its own file under `Commands/`
/// and is a thin call into the library modules.
public struct SinkScopeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sinkscope",
        abstract: "Find attention sinks in Vision Transformers and measure what they encode.",
        discussion: """
            Pipeline: images --extract--> store --detect--> sink masks --probe--> results --report--> HTML.

            Example:
              sinkscope inspect Reports/example-store
            """,
        version: "0.1.0",
        subcommands: CommandRegistry.all
    )

    public init() {}

    /// Runs the command line: passes the environment's settings to the library first.
    public static func main() {
        Font.preferredFile = EnvironmentSettings.fontFile
        if EnvironmentSettings.vectorBaseline { forceBaselineVectorMath(true) }
        main(nil)
    }
}
