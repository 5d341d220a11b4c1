using Playbook.Compiling;
using Playbook.EngineCore;
using Playbook.RunStores;

namespace Playbook.LiveRuns;

/// <summary>How a manual step is answered in a real run: on the runner's terminal, from the answer inbox
/// (<c>playbook answer</c> from another terminal, the web console), or not before its timeout — whichever comes
/// first. A step with <c>quorum N</c> (N ≥ 2) takes <c>approve</c> only once N different people approved;
/// one <c>reject</c> rejects at once.</summary>
public sealed partial class LiveRunner
{
    /// <summary>How many different people must approve <paramref name="state"/> (1 unless it says <c>quorum</c>).</summary>
    private static int Quorum(CompiledState state) => Math.Max(1, state.Quorum);

    /// <summary>Who the person at this process's terminal is, as <c>playbook answer</c> names people: USER@HOST (the
    /// host as the run's lease names it).</summary>
    public static string TerminalPerson() =>
        $"{(Environment.GetEnvironmentVariable("USER") is { Length: > 0 } user ? user : Environment.UserName)}@{LeaseOwner.HostName()}";

    /// <summary>Races the terminal, the inbox and the step's timeout. <paramref name="given"/> is an answer given in
    /// advance with --answer: with a quorum it counts as the approval (or rejection) of the person who started the run.</summary>
    private async Task<ManualAnswer> WaitForAnswerAsync(ManualRequest request, string? given, CancellationToken cancellationToken)
    {
        var name = request.Address ?? StateAddress.Of(_callPath, request.State.Name);
        var quorum = Quorum(request.State);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inbox = _context.Inbox;
        if (given is not null && inbox is not null)
            inbox.Post(new PostedAnswer(_context.RunId, name, given, TerminalPerson(), "--answer", _context.Time.GetUtcNow(), null));
        _journal.Asked(request.Branch ?? "", request.State, request.Prompt);
        var asking = _context.View.AskAsync(request, stop.Token);
        var posted = inbox is null ? Never(stop.Token) : FromInboxAsync(inbox, request, name, quorum, stop.Token);
        var timer = request.Timeout is { } timeout ? request.Clock.DelayAsync(timeout, stop.Token).AsTask() : Task.Delay(Timeout.Infinite, stop.Token);
        if (asking.IsCompleted && asking.Result is null) _context.View.Say(NobodyHere(name, request.Timeout, inbox is not null));
        var pending = new List<Task<ManualAnswer?>> { asking, posted };
        ManualAnswer? answer = null;
        try
        {
            while (pending.Count > 0)
            {
                var first = await Task.WhenAny([.. pending, timer]).ConfigureAwait(false);
                if (first == timer) break;
                var task = (Task<ManualAnswer?>)first;
                pending.Remove(task);
                answer = await task.ConfigureAwait(false);
                if (answer is null) continue;
                // With a quorum, the terminal's approval is one person's: it goes to the inbox and is counted there.
                if (task == asking && quorum > 1 && inbox is not null && answer.Outcome == "approve")
                {
                    inbox.Post(new PostedAnswer(_context.RunId, name, answer.Outcome, TerminalPerson(), $"the runner's terminal, {LeaseOwner.HostName()} pid {Environment.ProcessId}",
                        _context.Time.GetUtcNow(), null));
                    answer = null;
                    continue;
                }
                break;
            }
            if (answer is null && pending.Count == 0) await timer.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            // Whichever lost was cancelled; its exception is expected and observed here.
            foreach (var t in new Task[] { asking, posted, timer }) _ = t.ContinueWith(x => x.Exception, TaskScheduler.Default);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return answer ?? new ManualAnswer("timeout");
    }

    private static async Task<ManualAnswer?> Never(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>What the runner says when nobody can answer on its terminal.</summary>
    private string NobodyHere(string name, TimeSpan? timeout, bool inbox)
    {
        var elsewhere = inbox
            ? $"answer it from another terminal: playbook answer {_context.RunId} {name} approve (or reject){JournalArgument}, or next time give --answer {name}=approve (or =reject) in advance"
            : $"give --answer {name}=approve (or =reject)";
        return timeout is { } t
            ? $"'{name}' waits for an answer until its timeout ({Text.DurationText.Format(t)}): nobody can answer here; {elsewhere}"
            : $"'{name}' waits for an answer and has no timeout: {elsewhere}; or stop with Ctrl+C, then 'playbook resume --answer {name}=approve' (or =reject)";
    }

    private string JournalArgument => _context.JournalArgument is { Length: > 0 } j ? " " + j : "";

    /// <summary>Answers posted for the step, from the start of the run on (one posted before the run got here is
    /// not lost), each taken once: "new" is an inbox id above the last one taken for the step (journaled with each
    /// answer, so a resumed run never takes one again), never a comparison of clocks. Without a quorum the first
    /// decides; with one, approvals from different people are counted (each journaled as it comes) until there are
    /// enough, and a rejection decides at once.</summary>
    private async Task<ManualAnswer?> FromInboxAsync(IAnswerInbox inbox, ManualRequest request, string address, int quorum, CancellationToken cancellationToken)
    {
        var flow = request.Branch ?? "";
        var approvals = new List<PostedAnswer>();
        var after = _context.AnswersTaken.TryGetValue(address, out var taken) ? taken : 0;
        while (true)
        {
            var posted = await inbox.WaitAsync(_context.RunId, address, after, cancellationToken).ConfigureAwait(false);
            after = posted.Id;
            _context.AnswersTaken[address] = after;
            if (!request.State.Choices.Contains(posted.Outcome, StringComparer.Ordinal))
            {
                _context.View.Say($"'{address}': {posted.Who} answered {posted.Outcome}, which it does not offer (its choices: {string.Join(", ", request.State.Choices)}): ignored");
                continue;
            }
            if (quorum <= 1 || posted.Outcome != "approve")
                return new ManualAnswer(posted.Outcome, posted.Who) { From = posted.From, Comment = posted.Comment, At = posted.At, InboxId = posted.Id };
            if (approvals.Any(a => a.Who == posted.Who))
            {
                _context.View.Say($"'{address}': {posted.Who} approved already; {quorum - approvals.Count} more approval(s) from other people are needed");
                continue;
            }
            approvals.Add(posted);
            _journal.Voted(flow, request.State, posted, approvals.Count, quorum);
            if (approvals.Count < quorum)
            {
                _context.View.Say($"'{address}': approved by {posted.Who} ({approvals.Count} of {quorum}); waiting for {quorum - approvals.Count} more");
                continue;
            }
            return new ManualAnswer("approve", string.Join(", ", approvals.Select(a => a.Who)))
            {
                From = string.Join("; ", approvals.Select(a => a.From).Distinct(StringComparer.Ordinal)),
                Comment = approvals.Any(a => a.Comment is not null)
                    ? string.Join("\n", approvals.Where(a => a.Comment is not null).Select(a => $"{a.Who}: {a.Comment}"))
                    : null,
                At = posted.At,
                InboxId = posted.Id,
            };
        }
    }
}
