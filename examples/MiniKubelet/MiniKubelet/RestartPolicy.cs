namespace MiniKubelet;

/// <summary>Which container exits are followed by a restart (Kubernetes' <c>restartPolicy</c>).</summary>
public enum RestartPolicy
{
    /// <summary>Every exit, even a successful one: for servers.</summary>
    Always,

    /// <summary>Only a non-zero exit: for jobs that should be retried until they succeed.</summary>
    OnFailure,

    /// <summary>No exit: the container's first run is its only one.</summary>
    Never,
}

/// <summary>The rule behind <see cref="RestartPolicy"/>.</summary>
public static class RestartPolicyRules
{
    /// <summary>Whether a container that exited with <paramref name="exitCode"/> is started again.</summary>
    public static bool Restarts(this RestartPolicy policy, int exitCode) => policy switch
    {
        RestartPolicy.Always => true,
        RestartPolicy.OnFailure => exitCode != 0,
        _ => false,
    };
}
