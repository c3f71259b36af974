using Sankofa.Agent.Link;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Tests.Link;

/// <summary>The agent's reports are kept until acked, sent again in order after a reconnect, and bounded without losing a result.</summary>
public sealed class ReportOutboxTests
{
    private static AgentMessage Progress(string step) => new() { Progress = new WorkProgress { WorkId = "w", Step = step } };

    private static AgentMessage Result(string workId) => new() { Result = new WorkResult { WorkId = workId, Outcome = WorkOutcome.Done } };

    private static AgentMessage Inventory(long at) => new() { Inventory = new Inventory { TakenAtUnixMs = at } };

    [Fact]
    public void Reports_are_numbered_in_order_and_an_ack_forgets_everything_up_to_its_number()
    {
        var outbox = new ReportOutbox(100, 7);

        var numbers = new[] { outbox.Add(Progress("cloning")), outbox.Add(Progress("starting")), outbox.Add(Result("w")) };
        outbox.Acknowledge(8);

        Assert.Equal([7UL, 8UL, 9UL], numbers);
        Assert.Equal([9UL], outbox.After(0).Select(m => m.Sequence));
    }

    [Fact]
    public void What_was_sent_on_a_link_that_broke_before_the_ack_is_all_sent_again_in_order_on_the_next_link()
    {
        var outbox = new ReportOutbox(100, 1);
        outbox.Add(Progress("cloning"));
        outbox.Add(Progress("starting"));
        var firstLink = outbox.After(0);
        outbox.Acknowledge(firstLink[0].Sequence); // the control plane stored the first, then the link broke
        outbox.Add(Result("w")); // made while cut off

        var nextLink = outbox.After(0);

        Assert.Equal(["starting", "w"], nextLink.Select(m => m.Progress?.Step ?? m.Result.WorkId));
        Assert.Equal([2UL, 3UL], nextLink.Select(m => m.Sequence));
    }

    [Fact]
    public void Past_its_capacity_the_outbox_drops_the_oldest_inventory_then_the_oldest_progress_and_never_a_result()
    {
        var outbox = new ReportOutbox(3, 1);
        outbox.Add(Inventory(1));
        outbox.Add(Result("a"));
        outbox.Add(Progress("cloning"));
        outbox.Add(Inventory(2)); // over: the older inventory goes
        Assert.Equal([2UL, 3UL, 4UL], outbox.After(0).Select(m => m.Sequence));

        outbox.Add(Result("b")); // over: the remaining inventory goes
        outbox.Add(Result("c")); // over, no inventory left: the progress goes
        outbox.Add(Result("d")); // over, only results left: all are kept

        Assert.Equal(["a", "b", "c", "d"], outbox.After(0).Where(m => m.Result is not null).Select(m => m.Result.WorkId));
        Assert.DoesNotContain(outbox.After(0), m => m.Progress is not null || m.Inventory is not null);
        Assert.Equal(3, outbox.Dropped);
    }

    [Fact]
    public async Task A_sender_waiting_for_reports_wakes_when_one_is_added_and_not_before()
    {
        var outbox = new ReportOutbox(10, 1);
        var waiting = outbox.WaitAfterAsync(0, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        outbox.Add(Progress("cloning"));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(outbox.WaitAfterAsync(0, CancellationToken.None).IsCompleted);
        Assert.False(outbox.WaitAfterAsync(1, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void Numbers_start_from_the_clock_so_an_agent_that_restarts_numbers_above_what_it_sent_before()
    {
        var before = ReportOutbox.Create(10, TimeProvider.System).Add(Progress("a"));
        Thread.Sleep(5);
        var after = ReportOutbox.Create(10, TimeProvider.System).Add(Progress("a"));

        Assert.True(after > before + 1000);
    }

    [Fact]
    public void An_outbox_kept_on_disk_gives_a_restarted_agent_its_undelivered_progress_and_results_in_order_and_numbers_above_them()
    {
        var directory = Directory.CreateTempSubdirectory("sankofa-outbox-");
        try
        {
            var first = new ReportOutbox(100, 1, directory.FullName);
            first.Add(Progress("cloning"));
            first.Add(Inventory(5));
            first.Add(Progress("starting"));
            var result = first.Add(Result("w"));
            first.Acknowledge(1);
            File.WriteAllBytes(Path.Combine(directory.FullName, "00000000000000000005.report.tmp"), [0x08]); // a crash mid-write
            File.WriteAllBytes(Path.Combine(directory.FullName, "00000000000000000009.report"), [0xff, 0xff, 0xff]); // damaged

            var restarted = new ReportOutbox(100, 1, directory.FullName);

            // The inventory is not kept (a fresh one is reported); the acked progress is gone; the torn and damaged files are dropped.
            Assert.Equal([("starting", 3UL), ("w", 4UL)], restarted.After(0).Select(m => (m.Progress?.Step ?? m.Result.WorkId, m.Sequence)));
            Assert.Equal(result + 1, restarted.Add(Progress("again")));
            restarted.Acknowledge(result + 1);
            Assert.Empty(Directory.GetFiles(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Handshake_and_heartbeat_messages_are_not_reports() =>
        Assert.Throws<ArgumentException>(() => new ReportOutbox(10, 1).Add(new AgentMessage { Heartbeat = new Heartbeat { Sequence = 1 } }));
}
