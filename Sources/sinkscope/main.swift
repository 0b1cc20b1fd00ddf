import SinkScopeCLI

SinkScopeCommand.main()
