using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FakeCri.Streaming.Internal;

/// <summary>
/// How a remote command ended, as the error stream reports it: a Kubernetes <c>Status</c> object (success, a
/// non-zero exit with reason <c>NonZeroExitCode</c> and the code as cause <c>ExitCode</c>, or an internal error).
/// The v4 and v5 protocols carry it as JSON; the older ones carry only a failure's message, as plain text.
/// </summary>
internal sealed record RemoteCommandStatus(string Status, string? Message, string? Reason, int? ExitCode, int? Code)
{
    public static RemoteCommandStatus Success { get; } = new("Success", null, null, null, null);

    public bool IsSuccess => Status == "Success";

    public static RemoteCommandStatus NonZeroExit(IReadOnlyList<string> argv, int exitCode) => new(
        "Failure",
        $"command terminated with non-zero exit code: error executing command [{string.Join(' ', argv)}], exit code {exitCode}",
        "NonZeroExitCode",
        exitCode,
        null);

    public static RemoteCommandStatus InternalError(string what, string error) =>
        new("Failure", $"Internal error occurred: {what}: {error}", "InternalError", null, 500);

    /// <summary>The error stream's payload: the JSON object, or for the text protocols the message (none on success).</summary>
    public byte[]? Encode(bool json) => json
        ? Encoding.UTF8.GetBytes(ToJson())
        : IsSuccess ? null : Encoding.UTF8.GetBytes(Message ?? Status);

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("status", Status);
            if (Message is not null)
            {
                json.WriteString("message", Message);
            }

            if (Reason is not null)
            {
                json.WriteString("reason", Reason);
            }

            if (ExitCode is { } exitCode)
            {
                json.WriteStartObject("details");
                json.WriteStartArray("causes");
                json.WriteStartObject();
                json.WriteString("reason", "ExitCode");
                json.WriteString("message", exitCode.ToString(CultureInfo.InvariantCulture));
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            if (Code is { } code)
            {
                json.WriteNumber("code", code);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
