using System.Text;
using FakeCri.Cri.V1;
using FakeCri.Images;
using FakeCri.Processes;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// Builds what a container's processes see: the command line (OCI rules over config and image), the environment,
/// and the file system with the files the runtime provides (/etc/hostname, /etc/hosts, /etc/resolv.conf from
/// the sandbox's DNS config, /etc/passwd and /etc/group from the image) and the mounts mapped to host paths.
/// </summary>
internal static class ContainerSetup
{
    /// <summary>command+args, else the image's entrypoint + (args or the image's cmd): what the OCI spec runs.</summary>
    public static IReadOnlyList<string> CommandLine(ContainerConfig config, CatalogImage image)
    {
        if (config.Command.Count > 0)
        {
            return [.. config.Command, .. config.Args];
        }

        // The image's own command line is built once and shared: nothing changes a command line in place.
        return config.Args.Count > 0 ? [.. image.Entrypoint, .. config.Args] : ImageSetup.For(image).CommandLine;
    }

    /// <summary>The resolv.conf containerd writes: search, then one nameserver per server, then options.</summary>
    public static string ResolvConf(DNSConfig? dns)
    {
        if (dns is null)
        {
            return "nameserver 127.0.0.53\noptions edns0 trust-ad\n";
        }

        var text = new StringBuilder();
        if (dns.Searches.Count > 0)
        {
            text.Append("search ").AppendJoin(' ', dns.Searches).Append('\n');
        }

        foreach (var server in dns.Servers)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }

        if (dns.Options.Count > 0)
        {
            text.Append("options ").AppendJoin(' ', dns.Options).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The context of a new container. Its file system starts from the image's files, the sandbox's and the
    /// directories its mounts need (<paramref name="sandboxFiles"/> shares those between the sandbox's containers;
    /// without it they are built afresh) and holds only the container's own changes and its mounts.
    /// <paramref name="pool"/>, if given, pools the texts the context keeps.
    /// </summary>
    public static ContainerContext Create(
        ContainerConfig config, PodSandboxConfig sandbox, string podIp, CatalogImage image, LinuxContainerUser user, TimeProvider clock,
        Networking.Internal.PodPorts? network = null, SandboxFiles? sandboxFiles = null, ValuePool? pool = null)
    {
        var hostname = sandbox.Hostname.Length > 0 ? sandbox.Hostname : sandbox.Metadata?.Name ?? "localhost";
        hostname = pool?.Share(hostname) ?? hostname;
        var mounts = config.Mounts.Where(m => m.ContainerPath.Length > 0 && m.HostPath.Length > 0).ToArray();
        var shared = ImageSetup.For(image);
        var files = (sandboxFiles ?? new SandboxFiles()).Layer(
            shared.Files,
            hostname + "\n",
            $"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{(podIp.Length > 0 ? podIp : "127.0.0.1")}\t{hostname}\n",
            ResolvConf(sandbox.DnsConfig),
            mounts.Select(m => EmulatedFileSystem.Normalize(m.ContainerPath)).ToArray());
        var fs = new EmulatedFileSystem(files);
        foreach (var mount in mounts)
        {
            fs.Mount(mount.ContainerPath, ResolveHostPath(mount.HostPath), mount.Readonly);
        }

        var environment = new List<KeyValuePair<string, string>>(shared.Environment.Count + config.Envs.Count + 3);
        environment.AddRange(shared.Environment);
        environment.Add(new("HOSTNAME", hostname));
        foreach (var variable in config.Envs)
        {
            environment.RemoveAll(e => e.Key == variable.Key);
            var value = variable.Value.ToStringUtf8();
            environment.Add(new(variable.Key, pool?.Share(value) ?? value));
        }

        if (!environment.Any(e => e.Key == "HOME"))
        {
            environment.Add(new("HOME", user.Uid == 0 ? "/root" : "/"));
        }

        if (!environment.Any(e => e.Key == "PATH"))
        {
            environment.Insert(0, new("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        }

        var workingDirectory = config.WorkingDir.Length > 0 ? config.WorkingDir : image.WorkingDir.Length > 0 ? image.WorkingDir : "/";
        fs.CreateDirectory(workingDirectory, parents: true);
        return new ContainerContext(
            fs, clock, hostname, environment.ToArray(), EmulatedFileSystem.Normalize(workingDirectory), user.Uid, user.Gid,
            user.SupplementalGroups.ToArray(), shared.UserNames, shared.GroupNames)
        {
            Network = network,
        };
    }

    /// <summary>
    /// As containerd: a missing host directory is created, and a symlinked host path is resolved to its target.
    /// </summary>
    private static string ResolveHostPath(string hostPath)
    {
        try
        {
            if (!Path.Exists(hostPath))
            {
                Directory.CreateDirectory(hostPath);
            }

            var info = new FileInfo(hostPath);
            var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? Path.GetFullPath(hostPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return hostPath;
        }
    }
}
