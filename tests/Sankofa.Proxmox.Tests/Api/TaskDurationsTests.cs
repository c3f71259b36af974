using Sankofa.Proxmox.Api;

namespace Sankofa.Proxmox.Tests.Api;

public sealed class TaskDurationsTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void A_task_type_never_seen_is_first_asked_about_after_one_poll_interval()
    {
        Assert.Equal(Poll, new TaskDurations().FirstWait("qmclone", Poll));
    }

    [Fact]
    public void The_first_wait_follows_how_long_tasks_of_the_type_took()
    {
        var durations = new TaskDurations();

        durations.Observe("qmclone", TimeSpan.FromMilliseconds(700), firstPoll: false);
        Assert.Equal(TimeSpan.FromMilliseconds(700), durations.FirstWait("qmclone", Poll));
        Assert.Equal(Poll, durations.FirstWait("qmstart", Poll));

        // Done at the first look: it may have ended earlier, so the next first look comes a little sooner.
        durations.Observe("qmclone", TimeSpan.FromMilliseconds(700), firstPoll: true);
        Assert.Equal(TimeSpan.FromMilliseconds(630), durations.FirstWait("qmclone", Poll));
    }

    [Fact]
    public void One_very_long_task_does_not_make_the_next_first_wait_longer_than_sixteen_intervals()
    {
        var durations = new TaskDurations();

        durations.Observe("qmclone", TimeSpan.FromMinutes(9), firstPoll: false);

        Assert.Equal(Poll * 16, durations.FirstWait("qmclone", Poll));
    }
}
