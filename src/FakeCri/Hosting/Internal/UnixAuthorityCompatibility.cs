using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FakeCri.Hosting.Internal;

/// <summary>
/// Lets older gRPC clients in through a unix socket. grpc-go before 1.52 (kubelet, crictl and critest of that era)
/// sends the socket path as <c>:authority</c>, and newer C-core a %-encoded path; Kestrel validates
/// <c>:authority</c> as a Host header and resets every such stream, with no option to relax it (dotnet/aspnetcore
/// issue 47043). A connection middleware therefore rewrites the client's bytes before Kestrel parses them.
/// </summary>
internal static class UnixAuthorityCompatibility
{
    /// <summary>Installs the rewrite on <paramref name="listen"/>; call it for unix socket endpoints only.</summary>
    public static void Install(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => context => ServeAsync(context, next, listen.KestrelServerOptions.Limits));
    }

    private static async Task ServeAsync(ConnectionContext context, ConnectionDelegate next, KestrelServerLimits limits)
    {
        var transport = context.Transport;
        var pool = context.Features.Get<IMemoryPoolFeature>()?.MemoryPool;
        var rewritten = new Pipe(new PipeOptions(pool: pool, useSynchronizationContext: false));

        // Twice Kestrel's own limit, so a block Kestrel would accept is never refused here.
        var rewriter = new Http2AuthorityRewriter(
            transport.Input,
            rewritten.Writer,
            limits.Http2.HeaderTableSize,
            limits.Http2.MaxFrameSize,
            2 * limits.MaxRequestHeadersTotalSize);
        var pump = rewriter.RunAsync();
        context.Transport = new RewrittenTransport(rewritten.Reader, transport.Output);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            // Kestrel is done with the connection: stop a pump waiting for client bytes or for room in the pipe,
            // and wait for it so no task outlives the connection. RunAsync never throws.
            context.Transport = transport;
            transport.Input.CancelPendingRead();
            await rewritten.Reader.CompleteAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    /// <summary>The connection's transport with the rewritten client bytes as its input.</summary>
    private sealed class RewrittenTransport : IDuplexPipe
    {
        public RewrittenTransport(PipeReader input, PipeWriter output)
        {
            Input = input;
            Output = output;
        }

        /// <inheritdoc />
        public PipeReader Input { get; }

        /// <inheritdoc />
        public PipeWriter Output { get; }
    }
}
