using FakeCri.Behaviors;

namespace FakeCri.Tests.Processes;

/// <summary>The versioned behaviours document: every field read, every mistake named.</summary>
public sealed class BehaviorDocumentTests
{
    private const string Full = """
        apiVersion: fakecri.io/v1alpha1
        kind: ContainerBehaviors
        behaviors:
          - match:
              image: busybox
              name: app
              labels: { tier: web }
              annotations: { team: a }
            exitAfter: 1500ms
            exitCode: 3
            ignoreSigterm: true
            logs:
              - every: 2s
                line: hello
                stream: stderr
            exec:
              - command: [cat, /ready]
                stdout: "ok\n"
                exitCode: 0
            http:
              - port: 8080
                body: healthy
                status: 503
          - match: { name: hog }
            oomKilled: true
          - failToStart: exec format error
        """;

    [Fact]
    public void Parse_FullDocument_EveryFieldRead()
    {
        var behaviors = ContainerBehaviorDocument.Parse(Full);

        Assert.Equal(3, behaviors.Count);
        var first = behaviors[0];
        Assert.Equal(("busybox", "app"), (first.Match.Image, first.Match.ContainerName));
        Assert.Equal("web", first.Match.Labels["tier"]);
        Assert.Equal("a", first.Match.Annotations["team"]);
        Assert.Equal((TimeSpan.FromMilliseconds(1500), 3, true), (first.ExitAfter, first.ExitCode, first.IgnoreSigterm));
        Assert.Equal(new ScheduledLogLine(TimeSpan.FromSeconds(2), "hello", true), Assert.Single(first.Logs));
        var exec = Assert.Single(first.Exec);
        Assert.Equal(["cat", "/ready"], exec.Command);
        Assert.Equal(("ok\n", 0), (exec.Stdout, exec.ExitCode));
        Assert.Equal(new HttpEndpoint(8080, "healthy", 503), Assert.Single(first.Http));
        Assert.Equal((true, TimeSpan.Zero), (behaviors[1].OomKilled, behaviors[1].ExitAfter));
        Assert.Equal("exec format error", behaviors[2].FailToStart);
        Assert.Null(behaviors[2].Match.Image);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ContainerBehaviors\n", "apiVersion: fakecri.io/v1alpha1")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: ContainerBehaviors\nbehaviors:\n  - exitAftr: 5s\n", "line 4")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: ContainerBehaviors\nbehaviors:\n  - exitAfter: soon\n", "behaviors[0].exitAfter: \"soon\" is not a duration")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: ContainerBehaviors\nbehaviors:\n  - logs: [{ every: 1s, line: x, stream: tty }]\n", "stream must be stdout or stderr")]
    [InlineData("apiVersion: fakecri.io/v1alpha1\nkind: ContainerBehaviors\nbehaviors:\n  - http: [{ port: 70000 }]\n", "behaviors[0].http[0].port: 70000 is not a TCP port")]
    [InlineData("", "empty")]
    public void Parse_Mistake_FormatExceptionNamingIt(string yaml, string message)
    {
        var error = Assert.Throws<FormatException>(() => ContainerBehaviorDocument.Parse(yaml));

        Assert.Contains(message, error.Message);
    }
}
