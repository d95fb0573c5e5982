using System.CommandLine;
using System.Net.Sockets;
using FakeCri.Cli.Serve;
using Grpc.Core;

namespace FakeCri.Cli.Control;

/// <summary>
/// How a control subcommand reaches a running <c>fakecri serve</c>: <c>--endpoint</c>, else <c>FAKECRI_ENDPOINT</c>,
/// else the endpoint <c>serve</c> uses by default; and how its failures become exit codes and one-line messages.
/// </summary>
internal static class ControlConnection
{
    public const string EndpointVariable = "FAKECRI_ENDPOINT";

    public static Option<string> EndpointOption() => new("--endpoint", "-e")
    {
        Description = "The fake to control: unix:///path.sock or tcp://127.0.0.1:port. Env: FAKECRI_ENDPOINT. "
            + "Default: where `fakecri serve` listens by default.",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="call"/> against the endpoint; RPC and connection failures become exit codes.</summary>
    public static async Task<int> RunAsync(
        ParseResult parse,
        Option<string> endpointOption,
        Func<FakeCri.Control.V1.Control.ControlClient, CancellationToken, Task> call,
        CancellationToken cancellationToken)
    {
        var text = parse.GetValue(endpointOption) ?? Environment.GetEnvironmentVariable(EndpointVariable);
        FakeCriEndpoint endpoint;
        if (string.IsNullOrWhiteSpace(text))
        {
            endpoint = DefaultEndpoint.Resolve(Environment.GetEnvironmentVariables());
        }
        else if (!FakeCriEndpoint.TryParse(text, out endpoint!, out var error))
        {
            await Console.Error.WriteLineAsync($"fakecri: --endpoint: {error}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var channel = FakeCriChannel.ForEndpoint(endpoint);
        try
        {
            await call(new FakeCri.Control.V1.Control.ControlClient(channel), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable && error.Status.DebugException is HttpRequestException or SocketException)
        {
            await Console.Error.WriteLineAsync($"fakecri: no fake answers at {endpoint}: {error.Status.DebugException.Message}").ConfigureAwait(false);
            return ExitCodes.EndpointUnavailable;
        }
        catch (RpcException error)
        {
            await Console.Error.WriteLineAsync($"fakecri: {error.StatusCode}: {error.Status.Detail}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
