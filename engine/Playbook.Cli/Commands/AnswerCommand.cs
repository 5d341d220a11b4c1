using System.CommandLine;
using System.Text.RegularExpressions;
using Playbook.LiveRuns;
using Playbook.LiveRuns.Actions;
using Playbook.RunStores;

namespace Playbook.Cli.Commands;

/// <summary><c>playbook answer RUN STEP approve|reject [--comment TEXT] [--journal DIR | --store URL]</c>: answers a
/// manual step a live run is waiting on, from another terminal — or, with a shared store, from another machine. It
/// checks everything against the run's records first and posts nothing otherwise: the run exists, a runner drives it
/// (holds its lock, or its lease in a shared store: otherwise nobody would read the answer),
/// it is asking STEP right now, the answer is one STEP takes, and — when STEP names its <c>approvers</c> — that
/// $USER is one of them. Then it posts the answer to the store's inbox (files beside the journal, or the database's
/// answers table), where the runner takes it at once. Who is USER@HOST and from where is <c>terminal HOST pid N</c>
/// (HOST as the lease names it); the runner journals both with the comment (redacted).
/// Exit 0 posted, 1 refused (nothing posted), 2 bad usage.</summary>
internal sealed partial class AnswerCommand
{
    public Command CreateCommand()
    {
        var run = new Argument<string>("RUN") { Description = "The run's id (as 'playbook runs' lists it)" };
        var step = new Argument<string>("STEP") { Description = "The manual step it waits on (CALLSTEP/STEP in a called playbook, NAME[i]/STEP for one foreach item)" };
        var choice = new Argument<string>("ANSWER") { Description = "approve or reject" };
        var comment = new Option<string?>("--comment") { Description = "A note journaled with the answer and shown in the report", HelpName = "TEXT" };
        var journal = RunCommand.JournalOption();
        var store = StoreOption.Create();
        var command = new Command("answer", "Answer a manual step a running run is waiting on, from another terminal or machine")
        {
            run, step, choice, comment, journal, store,
        };
        command.SetAction(parseResult =>
        {
            var invocation = parseResult.InvocationConfiguration;
            return Run(parseResult.GetValue(run)!, parseResult.GetValue(step)!, parseResult.GetValue(choice)!, parseResult.GetValue(comment),
                parseResult.GetValue(journal) ?? RunCommand.DefaultJournal, invocation.Output, invocation.Error, parseResult.GetValue(store));
        });
        return command;
    }

    public static int Run(string runId, string step, string choice, string? comment, string directory, TextWriter stdout, TextWriter stderr, string? storeOption = null)
    {
        if (choice is not ("approve" or "reject"))
            return Fail(stderr, ExitCodes.Usage, $"'{choice}' is not an answer to a manual step: answer approve or reject");
        if (comment is not null && (comment.Length > FileAnswerInbox.MaxCommentLength || comment.Any(c => char.IsControl(c) && c is not ('\n' or '\t'))))
            return Fail(stderr, ExitCodes.Usage, $"--comment: at most {FileAnswerInbox.MaxCommentLength} characters, and no control characters");
        using var store = StoreOption.Open(storeOption, directory, stderr);
        if (store is null) return ExitCodes.Usage;
        try
        {
            return Answer(store, runId, step, choice, comment, stdout, stderr);
        }
        catch (RunStoreException e)
        {
            return Fail(stderr, ExitCodes.Failed, $"cannot use the store {e.Message}; nothing was answered");
        }
    }

    private static int Answer(IRunStore store, string runId, string step, string choice, string? comment, TextWriter stdout, TextWriter stderr)
    {
        var storeArgument = StoreOption.Argument(store);
        // The id is checked before the store is asked: for the file store it names a file, never a path.
        if ((RunIdPattern().IsMatch(runId) ? store.Read(runId) : null) is not { } journaled)
        {
            var known = store.List().Select(r => r.Run.RunId).ToList();
            var hint = Text.Spelling.Suggest(runId, known) is { } s ? $" (did you mean {s}?)" : "";
            return Fail(stderr, ExitCodes.Failed, $"no run '{runId}' in {store.Location}{hint}; 'playbook runs{storeArgument}' lists them");
        }
        if (journaled.Problem is { } problem) return Fail(stderr, ExitCodes.Failed, $"{problem}: the journal is not as a run writes it; nothing was answered");
        if (journaled.Finished) return Fail(stderr, ExitCodes.Failed, $"run {runId} already ended ({journaled.Status}): there is nothing to answer");
        if (!journaled.Running)
            return Fail(stderr, ExitCodes.Failed, $"run {runId} is not running (no process holds it), so nobody would read the answer; " +
                $"continue it with: playbook resume {runId}{storeArgument} --answer {step}={choice}");

        var loaded = PlaybookLoader.Load(journaled.PlaybookPath, stderr, color: false, "answer");
        if (loaded is null) return ExitCodes.Failed;
        var open = OpenQuestions.Of(journaled, loaded.Compiled, loaded.ResolveCallee);
        var matches = open.Where(q => q.Address == step).ToList();
        // The step's plain name answers it when one item alone asks it.
        if (matches.Count == 0) matches = open.Where(q => q.PlainAddress == step).ToList();
        if (matches.Count == 0)
        {
            var waiting = open.Count == 0 ? "it is not waiting on any manual step right now" : "it is waiting on " + string.Join(", ", open.Select(q => $"'{q.Address}'"));
            return Fail(stderr, ExitCodes.Failed, $"run {runId} is not waiting on '{step}': {waiting}");
        }
        if (matches.Count > 1)
            return Fail(stderr, ExitCodes.Failed, $"several items ask '{step}' at once ({string.Join(", ", matches.Select(q => q.Address))}): answer one by its item's address");
        var question = matches[0];

        if (!question.State.Choices.Contains(choice, StringComparer.Ordinal))
            return Fail(stderr, ExitCodes.Usage, $"'{question.Address}' offers {string.Join(" or ", question.State.Choices)} only (its choices), not {choice}");
        var user = Environment.GetEnvironmentVariable("USER") is { Length: > 0 } u ? u : Environment.UserName;
        // Roles need the web console's users file; from a terminal only a name can be checked, against $USER.
        if (question.State.Approvers.Count > 0 && !question.State.Approvers.Contains(user, StringComparer.Ordinal))
            return Fail(stderr, ExitCodes.Failed, $"'{question.Address}' may be answered by {string.Join(", ", question.State.Approvers.Select(a => $"'{a}'"))} only, and you are '{user}': " +
                "from a terminal each is matched against $USER as a name (roles are checked by the web console, which knows who has them)");
        var who = LiveRunner.TerminalPerson();
        if (choice == "approve" && question.Approvals.Contains(who, StringComparer.Ordinal))
            return Fail(stderr, ExitCodes.Failed, $"you ({who}) approved '{question.Address}' already: it needs approvals from {question.State.Quorum} different people");

        // Posted files are private, yet a secret pasted into a comment is kept out of them too (the runner redacts it in the journal as well).
        var redactor = new Redactor(Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("PLAYBOOK_SECRET_", StringComparison.Ordinal))
            .Select(k => Environment.GetEnvironmentVariable(k) ?? "")
            .Where(v => v.Length > 0));
        var from = $"terminal {LeaseOwner.HostName()} pid {Environment.ProcessId}";
        var answer = new PostedAnswer(runId, question.Address, choice, who, from, DateTimeOffset.UtcNow, comment is null ? null : redactor.Redact(comment));
        try
        {
            store.Inbox().Post(answer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RunStoreException)
        {
            return Fail(stderr, ExitCodes.Failed, $"cannot post the answer to run {runId}: {e.Message}");
        }
        var quorum = question.State.Quorum;
        var progress = quorum > 1 && choice == "approve"
            ? $" ({question.Approvals.Count + 1} of {quorum} approvals from different people{(question.Approvals.Count + 1 < quorum ? "; the run waits for more" : "")})"
            : "";
        stdout.WriteLine($"answered '{question.Address}' of run {runId}: {choice} as {who}, from {from}{progress}");
        return ExitCodes.Success;
    }

    private static int Fail(TextWriter stderr, int code, string message)
    {
        stderr.WriteLine($"playbook: {message}");
        return code;
    }

    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$")]
    private static partial Regex RunIdPattern();
}
