namespace FakeCri.Cli;

/// <summary>What <c>fakecri</c>'s exit code means; scripts and service managers branch on these.</summary>
internal static class ExitCodes
{
    /// <summary>Ran and stopped cleanly (also after SIGINT/SIGTERM).</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line, environment variable or config file value.</summary>
    public const int Usage = 2;

    /// <summary>An endpoint could not be opened: in use by a live server, a non-socket file, or a taken port.</summary>
    public const int EndpointUnavailable = 3;
}
