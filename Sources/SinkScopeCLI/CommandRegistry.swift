import ArgumentParser

/// The list of subcommands. Each issue adds its command here (one line) and one file under `Commands/`.
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        InspectCommand.self,
        ImportCommand.self,
        DetectCommand.self,
        SynthCommand.self,
        ProbeCommand.self,
        BenchCommand.self,
        ExtractCommand.self,
        ReportCommand.self,
        CompareCommand.self,
        PathwayCommand.self,
        NotebookCommand.self,
        DemoCommand.self,
    ]
}
