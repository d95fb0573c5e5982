using System.CommandLine;
using FakeCri.Cli.Bench;
using FakeCri.Cli.Control;
using FakeCri.Cli.Serve;

var root = new RootCommand("fakecri: an in-memory Kubernetes CRI v1 runtime (containerd's behaviour, no containers)")
{
    ServeCommand.Create(),
    BenchCommand.Create(),
};
foreach (var command in ControlCommands.Create())
{
    root.Subcommands.Add(command);
}

// fakecri handles SIGINT/SIGTERM itself (graceful stop, socket removed, exit 0), so the parser's own
// termination handling is switched off.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
