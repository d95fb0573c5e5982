namespace FakeCri.Processes.Shell;

/// <summary>The pages the built-in web servers answer with, so probes and port checks see what they expect.</summary>
internal static class DefaultPages
{
    public const string Nginx = """
        <!DOCTYPE html>
        <html>
        <head>
        <title>Welcome to nginx!</title>
        </head>
        <body>
        <h1>Welcome to nginx!</h1>
        <p>If you see this page, the nginx web server is successfully installed and working.</p>
        <p><em>Served by FakeCri's emulated nginx.</em></p>
        </body>
        </html>

        """;

    public const string Httpd = "<html><body><h1>It works!</h1></body></html>\n";
}
