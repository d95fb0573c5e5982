using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace FakeCri.Services.Internal;

/// <summary>Log messages of the gRPC adapters. Event IDs 2000–2099 are theirs; never reuse a retired one.</summary>
internal static partial class GrpcLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "{Method} failed with {Code}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode code, string detail);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "{Method} failed unexpectedly; answered UNKNOWN")]
    public static partial void UnexpectedFailure(ILogger logger, Exception exception, string method);
}
