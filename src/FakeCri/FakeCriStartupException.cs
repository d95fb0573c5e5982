namespace FakeCri;

/// <summary>
/// The fake could not open one of its doors: the socket path is held by a live server or by a file that is not a
/// socket, or a TCP port is taken. The message names the endpoint and the problem; nothing on disk was changed.
/// </summary>
public sealed class FakeCriStartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FakeCriStartupException(FakeCriEndpoint endpoint, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Endpoint = endpoint;
    }

    /// <summary>The endpoint that could not be opened.</summary>
    public FakeCriEndpoint Endpoint { get; }
}
