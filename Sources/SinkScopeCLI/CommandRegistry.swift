import ArgumentParser

/// The list of subcommands. A new command is one line here and one file under `Commands/`
/// (see docs/architecture.md, "Where things go").
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        InspectCommand.self,
        ImportCommand.self,
        DetectCommand.self,
        SynthCommand.self,
        ProbeCommand.self,
        BenchCommand.self,
        ExtractCommand.self,
        MergeCommand.self,
        InterveneCommand.self,
        NeuronsCommand.self,
        ReportCommand.self,
        CompareCommand.self,
        PathwayCommand.self,
        NotebookCommand.self,
        DemoCommand.self,
    ]
}
