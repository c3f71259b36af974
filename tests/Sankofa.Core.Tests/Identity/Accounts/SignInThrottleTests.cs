using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.Tests.Identity.Accounts;

/// <summary>Sign-in throttling on a fake clock: five failures in five minutes, then waits doubling up to fifteen minutes.</summary>
public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly SignInThrottle throttle;

    public SignInThrottleTests() => throttle = new SignInThrottle(new AccountOptions(), time);

    [Fact]
    public void The_fifth_failure_within_the_window_throttles_for_a_minute_and_each_further_one_doubles_the_wait_up_to_fifteen_minutes()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(throttle.Failed("alice"));
            Assert.Null(throttle.RetryAfter("alice"));
            time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(TimeSpan.FromMinutes(1), throttle.Failed("alice"));
        Assert.Equal(TimeSpan.FromMinutes(1), throttle.RetryAfter("ALICE"));
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            time.Advance(throttle.RetryAfter("alice")!.Value);
            Assert.Null(throttle.RetryAfter("alice"));
            waits.Add(throttle.Failed("alice")!.Value);
        }

        Assert.Equal([2, 4, 8, 15, 15], waits.Select(w => w.TotalMinutes));
    }

    [Fact]
    public void Guesses_checked_in_parallel_get_no_more_tries_than_guesses_one_after_another()
    {
        // Five checks may be under way at once; a sixth waits for their outcome instead of slipping past the count.
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(throttle.Begin("alice"));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Begin("alice"));
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(throttle.Failed("alice"));
        }

        Assert.Equal(TimeSpan.FromMinutes(1), throttle.Failed("alice"));
        Assert.Equal(TimeSpan.FromMinutes(1), throttle.Begin("alice"));

        // After the wait, one try at a time.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(throttle.Begin("alice"));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.Begin("alice"));
        throttle.Succeeded("alice");
        Assert.Null(throttle.Begin("alice"));

        // A check that ended in an error gives its try back.
        Assert.Null(throttle.Begin("bob"));
        throttle.Abandoned("bob");
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(throttle.Begin("bob"));
        }
    }

    [Fact]
    public void Failures_spread_over_more_than_the_window_do_not_add_up_and_a_right_password_forgets_them()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(throttle.Failed("bob"));
        }

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Null(throttle.Failed("bob"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(throttle.Failed("bob"));
        }

        throttle.Succeeded("bob");
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(throttle.Failed("bob"));
        }

        Assert.NotNull(throttle.Failed("bob"));
    }

    [Fact]
    public void A_throttled_name_left_quiet_for_the_window_after_its_wait_starts_afresh()
    {
        for (var i = 0; i < 5; i++)
        {
            throttle.Failed("carol");
        }

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Null(throttle.RetryAfter("carol"));
        Assert.Null(throttle.Failed("carol"));
    }

    [Fact]
    public void Names_are_counted_apart()
    {
        for (var i = 0; i < 5; i++)
        {
            throttle.Failed("dave");
        }

        Assert.NotNull(throttle.RetryAfter("dave"));
        Assert.Null(throttle.RetryAfter("erin"));
    }
}
