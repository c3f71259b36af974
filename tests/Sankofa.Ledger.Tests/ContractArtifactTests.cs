using System.Diagnostics;
using Sankofa.Ledger.Contracts;

namespace Sankofa.Ledger.Tests;

public sealed class ContractArtifactTests
{
    [Fact]
    public async Task CommittedContractBuild_MatchesAFreshCompileWithThePinnedSolc()
    {
        var root = RepositoryRoot.Find();
        var start = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("scripts/compile-contracts.mjs");
        start.ArgumentList.Add("--check");
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        Assert.True(node.ExitCode == 0, $"contracts/build differs from a fresh compile: {await stdout} {await stderr}");
    }

    [Fact]
    public void EmbeddedAuditAnchorArtifact_IsTheCommittedBuildOutput()
    {
        var onDisk = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "contracts", "build", "AuditAnchor.json"));
        var artifact = ContractArtifact.AuditAnchor;

        Assert.Contains(Convert.ToHexStringLower(artifact.Bytecode), onDisk, StringComparison.Ordinal);
        Assert.Contains("anchorMany", artifact.AbiJson, StringComparison.Ordinal);
        Assert.Contains("rootsOf", artifact.AbiJson, StringComparison.Ordinal);
    }
}
