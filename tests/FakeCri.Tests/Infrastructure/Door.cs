namespace FakeCri.Tests.Infrastructure;

/// <summary>The ways into a fake; behaviour tests run over each.</summary>
public enum Door
{
    InProcess,

    /// <summary>In-process, through <see cref="FakeCriServer.DirectCallInvoker"/> instead of the TestHost channel.</summary>
    Direct,
    UnixSocket,
    Tcp,
}
