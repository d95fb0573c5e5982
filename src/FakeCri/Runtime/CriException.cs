using Grpc.Core;

namespace FakeCri.Runtime;

/// <summary>
/// A CRI call failed the way a real runtime would fail it: with a gRPC status code and a message naming the
/// object and the problem. The runtime layer throws it; the gRPC adapters turn it into the wire status.
/// </summary>
/// <remarks>
/// The code is <see cref="StatusCode"/> because the status code is part of the CRI contract (kubelet branches on
/// NotFound, for example), not because the runtime knows anything about gRPC hosting.
/// </remarks>
public sealed class CriException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CriException(StatusCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The gRPC status code a client sees.</summary>
    public StatusCode Code { get; }

    /// <summary>NOT_FOUND, as for an unknown ID.</summary>
    public static CriException NotFound(string message) => new(StatusCode.NotFound, message);

    /// <summary>INVALID_ARGUMENT, as for a missing required field.</summary>
    public static CriException InvalidArgument(string message) => new(StatusCode.InvalidArgument, message);

    /// <summary>FAILED_PRECONDITION, as for a wrong state or a reserved name.</summary>
    public static CriException FailedPrecondition(string message) => new(StatusCode.FailedPrecondition, message);

    /// <summary>UNKNOWN, which containerd returns for errors it has no category for (e.g. an empty ID).</summary>
    public static CriException Unknown(string message) => new(StatusCode.Unknown, message);

    /// <summary>UNIMPLEMENTED, naming the RPC.</summary>
    public static CriException Unimplemented(string rpc) =>
        new(StatusCode.Unimplemented, $"method {rpc} not implemented");
}
