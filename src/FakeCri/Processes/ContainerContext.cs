namespace FakeCri.Processes;

/// <summary>
/// What every process of one container shares: its files, its process table, its identity and environment, and
/// the clock. Built when the container is created; the main process and exec'd commands run in it.
/// </summary>
public sealed class ContainerContext
{
    /// <summary>Creates the context.</summary>
    public ContainerContext(
        EmulatedFileSystem fileSystem,
        TimeProvider clock,
        string hostname,
        IReadOnlyList<KeyValuePair<string, string>> environment,
        string workingDirectory,
        long uid,
        long gid,
        IReadOnlyList<long> groups,
        IReadOnlyDictionary<long, string> userNames,
        IReadOnlyDictionary<long, string> groupNames)
    {
        FileSystem = fileSystem;
        Clock = clock;
        Hostname = hostname;
        Environment = environment;
        WorkingDirectory = workingDirectory;
        Uid = uid;
        Gid = gid;
        Groups = groups;
        UserNames = userNames;
        GroupNames = groupNames;
        Processes = new ProcessTable();
    }

    private ContainerContext(ContainerContext shared, IReadOnlyList<KeyValuePair<string, string>> environment, string workingDirectory)
        : this(shared.FileSystem, shared.Clock, shared.Hostname, environment, workingDirectory, shared.Uid, shared.Gid,
            shared.Groups, shared.UserNames, shared.GroupNames)
    {
        Processes = shared.Processes;
        Network = shared.Network;
    }

    /// <summary>
    /// The same container (files, processes, identity) as a program started with another environment and working
    /// directory sees it: what a shell hands the commands it runs.
    /// </summary>
    public ContainerContext With(IReadOnlyList<KeyValuePair<string, string>> environment, string workingDirectory) =>
        new(this, environment, workingDirectory);

    /// <summary>Where the container's servers listen for real; null when pod networking is not served.</summary>
    internal Networking.Internal.PodPorts? Network { get; init; }

    /// <summary>The container's files, mounts included.</summary>
    public EmulatedFileSystem FileSystem { get; }

    /// <summary>Its PID namespace.</summary>
    public ProcessTable Processes { get; }

    /// <summary>The runtime's clock: every sleep and timeout runs on it.</summary>
    public TimeProvider Clock { get; }

    /// <summary>The sandbox's hostname.</summary>
    public string Hostname { get; }

    /// <summary>The process environment: image then container config, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; }

    /// <summary>Where processes start.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The process user.</summary>
    public long Uid { get; }

    /// <summary>The process group.</summary>
    public long Gid { get; }

    /// <summary>Supplementary groups.</summary>
    public IReadOnlyList<long> Groups { get; }

    /// <summary>Names from the image's /etc/passwd, by uid.</summary>
    public IReadOnlyDictionary<long, string> UserNames { get; }

    /// <summary>Names from the image's /etc/group, by gid.</summary>
    public IReadOnlyDictionary<long, string> GroupNames { get; }

    /// <summary>Now, in ns since the epoch.</summary>
    public long NowNanos => (Clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
}

/// <summary>A process's three standard streams.</summary>
/// <param name="Stdin">What it reads.</param>
/// <param name="Stdout">Where it writes output.</param>
/// <param name="Stderr">Where it writes errors.</param>
public sealed record ProcessStreams(ProcessInput Stdin, ProcessOutput Stdout, ProcessOutput Stderr);
