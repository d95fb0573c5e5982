namespace MiniKubelet;

/// <summary>
/// A probe that runs a command in the container (CRI <c>ExecSync</c>): exit code 0 is a success; any other exit
/// code, an error or a timeout is a failure.
/// </summary>
/// <param name="Command">The command line, e.g. <c>["cat", "/ready"]</c>.</param>
/// <param name="Period">How often it runs; the first run is on the first sync after the container starts.</param>
public sealed record ExecProbe(IReadOnlyList<string> Command, TimeSpan Period)
{
    /// <summary>
    /// How many failures in a row a liveness probe takes before the container is restarted (Kubernetes' default,
    /// 3). A readiness probe ignores it: each result sets the ready flag.
    /// </summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>How long the command may run (Kubernetes' default, 1s); CRI counts it in whole seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
}
