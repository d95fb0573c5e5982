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

        return [.. image.Entrypoint, .. (config.Args.Count > 0 ? config.Args : image.Cmd)];
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

    public static ContainerContext Create(
        ContainerConfig config, PodSandboxConfig sandbox, string podIp, CatalogImage image, LinuxContainerUser user, TimeProvider clock,
        Networking.Internal.PodPorts? network = null)
    {
        var hostname = sandbox.Hostname.Length > 0 ? sandbox.Hostname : sandbox.Metadata?.Name ?? "localhost";
        var fs = new EmulatedFileSystem();
        foreach (var directory in new[] { "/bin", "/dev", "/etc", "/home", "/proc", "/root", "/run", "/sys", "/tmp", "/usr/bin", "/usr/local/bin", "/var/log", "/var/run" })
        {
            fs.CreateDirectory(directory, parents: true);
        }

        var users = image.Users.ToDictionary(u => u.Value.Uid, u => u.Key);
        var groups = new Dictionary<long, string> { [0] = "root", [1] = "daemon", [33] = "www-data", [100] = "users", [65534] = "nogroup" };
        foreach (var (name, (uid, gid)) in image.Users)
        {
            groups.TryAdd(gid, name);
        }

        fs.WriteAllText("/etc/hostname", hostname + "\n", append: false);
        fs.WriteAllText("/etc/hosts", $"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{(podIp.Length > 0 ? podIp : "127.0.0.1")}\t{hostname}\n", append: false);
        fs.WriteAllText("/etc/resolv.conf", ResolvConf(sandbox.DnsConfig), append: false);
        fs.WriteAllText("/etc/passwd", string.Concat(image.Users.OrderBy(u => u.Value.Uid).Select(u =>
            $"{u.Key}:x:{u.Value.Uid}:{u.Value.Gid}:{u.Key}:{(u.Value.Uid == 0 ? "/root" : "/home/" + u.Key)}:/bin/sh\n")), append: false);
        fs.WriteAllText("/etc/group", string.Concat(groups.OrderBy(g => g.Key).Select(g => $"{g.Value}:x:{g.Key}:\n")), append: false);

        foreach (var mount in config.Mounts)
        {
            if (mount.ContainerPath.Length == 0 || mount.HostPath.Length == 0)
            {
                continue;
            }

            fs.Mount(mount.ContainerPath, ResolveHostPath(mount.HostPath), mount.Readonly);
        }

        var environment = new List<KeyValuePair<string, string>>();
        foreach (var entry in image.Env)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                environment.Add(new(entry[..equals], entry[(equals + 1)..]));
            }
        }

        environment.Add(new("HOSTNAME", hostname));
        foreach (var variable in config.Envs)
        {
            environment.RemoveAll(e => e.Key == variable.Key);
            environment.Add(new(variable.Key, variable.Value.ToStringUtf8()));
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
            fs, clock, hostname, environment, EmulatedFileSystem.Normalize(workingDirectory), user.Uid, user.Gid,
            [.. user.SupplementalGroups], users, groups)
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
