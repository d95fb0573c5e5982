namespace FakeCri.Tests.Infrastructure;

/// <summary>The three ways into a fake; behaviour tests run over each.</summary>
public enum Door
{
    InProcess,
    UnixSocket,
    Tcp,
}
