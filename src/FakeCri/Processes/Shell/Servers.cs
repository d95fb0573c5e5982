namespace FakeCri.Processes.Shell;

/// <summary>
/// Long-running programs: the known servers of the built-in images, and any program the emulation does not know
/// when a container runs it as its main process. They print what the real ones print at start, then run until
/// a stop signal they handle (SIGTERM, SIGINT, SIGQUIT, SIGHUP; httpd also SIGWINCH, its graceful stop) ends them
/// with 128 + the signal, or SIGKILL does.
/// </summary>
internal static class Servers
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "nginx", "httpd", "httpd-foreground", "apache2-foreground", "docker-entrypoint.sh", "pause", "agnhost",
    };

    // Static delegates, not lambdas over isHttpd: those would be allocated with (and kept by) every running server.
    private static readonly Func<int, bool> Stops = Applets.IsStopSignal;
    private static readonly Func<int, bool> HttpdStops = signal => Applets.IsStopSignal(signal) || signal == Signals.WindowChange;
    private static readonly Func<string, (int Status, string Body)> NginxPage = path => DefaultPage(path, DefaultPages.Nginx);
    private static readonly Func<string, (int Status, string Body)> HttpdPage = path => DefaultPage(path, DefaultPages.Httpd);

    public static bool Has(string program) => Known.Contains(Programs.BaseName(program));

    public static async Task<int> RunAsync(EmulatedProcess process, ContainerContext container, ProcessStreams streams, IReadOnlyList<string> argv)
    {
        var name = Programs.BaseName(argv[0]);
        var isHttpd = name is "httpd" or "httpd-foreground" or "apache2-foreground";
        if (isHttpd)
        {
            // The lines httpd writes to stderr when it starts in the foreground; kubelet users grep for them.
            var ip = "127.0.0.1";
            streams.Stderr.Write($"AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {ip}. Set the 'ServerName' directive globally to suppress this message\n");
            streams.Stderr.Write("[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4 (Unix) configured -- resuming normal operations\n");
            streams.Stderr.Write("[core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'\n");
        }
        else if (name is "nginx" or "docker-entrypoint.sh")
        {
            streams.Stdout.Write("/docker-entrypoint.sh: Configuration complete; ready for start up\n");
        }

        // The server listens for real while it runs (pod networking on): nginx and httpd serve their default pages.
        // SIGKILL closes the sockets synchronously (through process.Killed), before the kill is reported.
        using var listening = container.Network is { } network && (isHttpd || name is "nginx" or "docker-entrypoint.sh")
            ? network.ServeHttp(80, isHttpd ? "Apache/2.4 (Unix)" : "nginx", isHttpd ? HttpdPage : NginxPage, process.Killed)
            : null;
        var ended = await Applets.WaitAsync(process, container, null, isHttpd ? HttpdStops : Stops).ConfigureAwait(false);
        return Applets.ExitCode(ended, 0);
    }

    private static (int Status, string Body) DefaultPage(string path, string page) =>
        path is "/" or "/index.html" ? (200, page) : (404, "<html><body><h1>404 Not Found</h1></body></html>\n");
}
