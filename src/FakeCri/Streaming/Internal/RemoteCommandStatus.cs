using System.Globalization;
using System.Text.Json;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// The v4 remote-command error-stream payload: a Kubernetes <c>Status</c> object saying success, a non-zero exit
/// (reason <c>NonZeroExitCode</c>, the code as cause <c>ExitCode</c>), or an internal error.
/// </summary>
internal static class RemoteCommandStatus
{
    public static string Success() => """{"metadata":{},"status":"Success"}""";

    public static string NonZeroExit(IReadOnlyList<string> argv, int exitCode) => JsonSerializer.Serialize(new
    {
        metadata = new { },
        status = "Failure",
        message = $"command terminated with non-zero exit code: error executing command [{string.Join(' ', argv)}], exit code {exitCode}",
        reason = "NonZeroExitCode",
        details = new { causes = new[] { new { reason = "ExitCode", message = exitCode.ToString(CultureInfo.InvariantCulture) } } },
    });

    public static string InternalError(string what, string error) => JsonSerializer.Serialize(new
    {
        metadata = new { },
        status = "Failure",
        message = $"Internal error occurred: {what}: {error}",
        reason = "InternalError",
        code = 500,
    });
}
