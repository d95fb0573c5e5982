using System.Text.Json;
using FakeCri.Cri.V1;

namespace FakeCri.Runtime;

public sealed partial class EmulatedRuntime
{
    /// <summary>
    /// CRI <c>Status</c>: RuntimeReady and NetworkReady conditions, the runtime handlers (<c>""</c> plus the
    /// configured ones, sorted by name, as containerd lists them) and the runtime's features.
    /// </summary>
    public StatusResponse Status(StatusRequest request)
    {
        var response = new StatusResponse
        {
            Status = new RuntimeStatus
            {
                Conditions = { CurrentConditions() },
            },
            Features = new RuntimeFeatures { SupplementalGroupsPolicy = true, UserNamespacesHostNetwork = true },
        };

        foreach (var name in HandlerNames())
        {
            response.RuntimeHandlers.Add(new RuntimeHandler
            {
                Name = name,
                Features = new RuntimeHandlerFeatures { RecursiveReadOnlyMounts = true, UserNamespaces = true },
            });
        }

        if (request.Verbose)
        {
            response.Info.Add("config", DescribeConfig());
        }

        return response;
    }

    /// <summary>CRI <c>RuntimeConfig</c>: the cgroup driver kubelet must match.</summary>
    public RuntimeConfigResponse RuntimeConfig(RuntimeConfigRequest request) => new()
    {
        Linux = new LinuxRuntimeConfiguration { CgroupDriver = _options.CgroupDriver },
    };

    /// <summary>
    /// CRI <c>UpdateRuntimeConfig</c>: kubelet hands over the node's pod CIDR(s), comma-separated for dual stack.
    /// Stored and shown in the verbose status; an empty CIDR is a no-op, as in containerd. Pod IPs keep coming
    /// from <see cref="FakeCriOptions.PodCidr"/>, so the fake never starts using addresses outside loopback
    /// because a kubelet said so.
    /// </summary>
    public UpdateRuntimeConfigResponse UpdateRuntimeConfig(UpdateRuntimeConfigRequest request)
    {
        var cidr = request.RuntimeConfig?.NetworkConfig?.PodCidr;
        if (string.IsNullOrEmpty(cidr))
        {
            return new UpdateRuntimeConfigResponse();
        }

        foreach (var part in cidr.Split(','))
        {
            if (!System.Net.IPNetwork.TryParse(part.Trim(), out _))
            {
                throw CriException.InvalidArgument(
                    $"runtime_config.network_config.pod_cidr: invalid CIDR address: {part.Trim()}");
            }
        }

        lock (_gate)
        {
            _podCidr = cidr;
        }

        return new UpdateRuntimeConfigResponse();
    }

    private IEnumerable<string> HandlerNames() => _handlers.Order(StringComparer.Ordinal);

    private string DescribeConfig()
    {
        var config = new Dictionary<string, object>
        {
            ["runtimeName"] = RuntimeIdentity.RuntimeName,
            ["runtimeVersion"] = RuntimeIdentity.RuntimeVersion,
            ["runtimeHandlers"] = HandlerNames().ToArray(),
            ["cgroupDriver"] = _options.CgroupDriver.ToString().ToLowerInvariant(),
            ["podCidr"] = PodCidr,
            ["podIpRange"] = _options.PodCidr,
            ["sandboxImage"] = _options.SandboxImage,
            ["strictImages"] = _options.StrictImages,
            ["seed"] = _options.Seed,
        };
        return JsonSerializer.Serialize(config);
    }
}
