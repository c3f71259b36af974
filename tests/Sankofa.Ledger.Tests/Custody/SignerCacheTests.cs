using Microsoft.Extensions.Time.Testing;
using Sankofa.Ledger.Custody;

namespace Sankofa.Ledger.Tests.Custody;

/// <summary>
/// The signer cache's rules; that a stale answer still ends in the contract's refusal with its reason is proven end to
/// end in Sankofa.Server.Tests (HardwareCustodyTests).
/// </summary>
public sealed class SignerCacheTests
{
    private static readonly byte[] Supplier = [1, 2, 3];

    [Fact]
    public void A_resolved_signer_is_reused_for_the_duration_and_read_again_after()
    {
        var time = new FakeTimeProvider();
        var cache = new SignerCache(TimeSpan.FromSeconds(10), 100, time);
        Assert.Null(cache.Get("0xabc"));

        cache.Remember("0xabc", Supplier);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(Supplier, cache.Get("0xABC"));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(cache.Get("0xabc"));
    }

    [Fact]
    public void A_zero_duration_keeps_nothing()
    {
        var cache = new SignerCache(TimeSpan.Zero, 100, new FakeTimeProvider());
        cache.Remember("0xabc", Supplier);
        Assert.Null(cache.Get("0xabc"));
    }

    [Fact]
    public void The_cache_never_holds_more_than_its_capacity()
    {
        var time = new FakeTimeProvider();
        var cache = new SignerCache(TimeSpan.FromMinutes(1), 3, time);
        cache.Remember("0x1", Supplier);
        time.Advance(TimeSpan.FromMinutes(2));
        cache.Remember("0x2", Supplier);
        cache.Remember("0x3", Supplier);
        cache.Remember("0x4", Supplier); // the expired 0x1 makes room

        Assert.Null(cache.Get("0x1"));
        Assert.Equal(Supplier, cache.Get("0x2"));
        Assert.Equal(Supplier, cache.Get("0x4"));

        cache.Remember("0x5", Supplier); // all three still fresh: starts over
        Assert.Null(cache.Get("0x2"));
        Assert.Equal(Supplier, cache.Get("0x5"));
    }
}
