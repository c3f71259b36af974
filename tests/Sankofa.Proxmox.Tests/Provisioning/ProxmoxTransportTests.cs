using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Provisioning;

namespace Sankofa.Proxmox.Tests.Provisioning;

/// <summary>A cluster is reached over HTTPS, or plain HTTP on loopback only; a certificate pin without HTTPS is refused, not ignored.</summary>
public sealed class ProxmoxTransportTests
{
    private static async Task<ProxmoxConfigurationException?> RefusalAsync(string baseUrl, string? fingerprint = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Proxmox:Clusters:edge-1:BaseUrl"] = baseUrl,
            ["Proxmox:Clusters:edge-1:TokenId"] = "sankofa@pve!provisioner",
            ["Proxmox:Clusters:edge-1:TokenSecret"] = "00000000-0000-0000-0000-000000000000",
            ["Proxmox:Clusters:edge-1:CertificateFingerprint"] = fingerprint,
        };
        await using var services = new ServiceCollection().AddLogging()
            .AddSankofaProxmox(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
        try
        {
            services.GetRequiredService<IVirtualMachineProviderFactory>();
            return null;
        }
        catch (ProxmoxConfigurationException error)
        {
            return error;
        }
    }

    [Theory]
    [InlineData("http://pve.example:8006/")]
    [InlineData("http://10.0.0.5:8006/api2/json/")]
    public async Task Plain_http_to_a_remote_cluster_is_refused_naming_the_base_url(string baseUrl)
    {
        Assert.Equal("Proxmox:Clusters:edge-1:BaseUrl", (await RefusalAsync(baseUrl))?.Key);
    }

    [Theory]
    [InlineData("https://pve.example:8006/")]
    [InlineData("http://127.0.0.1:8006/")]
    [InlineData("http://localhost:8006/")]
    [InlineData("http://[::1]:8006/")]
    public async Task Https_anywhere_and_plain_http_on_loopback_are_accepted(string baseUrl)
    {
        Assert.Null(await RefusalAsync(baseUrl));
    }

    [Fact]
    public async Task A_certificate_pin_with_a_plain_http_base_url_is_refused()
    {
        Assert.Equal("Proxmox:Clusters:edge-1:CertificateFingerprint", (await RefusalAsync("http://127.0.0.1:8006/", new string('a', 64)))?.Key);
    }
}
