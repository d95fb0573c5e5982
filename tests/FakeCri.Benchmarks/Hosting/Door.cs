namespace FakeCri.Benchmarks.Hosting;

/// <summary>The ways into a fake that the benchmarks measure, each against a no-op floor on the same door.</summary>
public enum Door
{
    /// <summary><see cref="FakeCriServer.DirectCallInvoker"/>: generated clients dispatched to the services without HTTP.</summary>
    Direct,

    /// <summary>The in-process HTTP/2 door (<see cref="FakeCriServer.StartInProcessAsync"/>, TestHost).</summary>
    TestHost,

    /// <summary>Kestrel on a unix socket, as kubelet and crictl connect.</summary>
    UnixSocket,
}
