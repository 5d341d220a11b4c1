using System.Reflection;

namespace Playbook.Diagnostics;

/// <summary>Every diagnostic Playbook can report, by stable ID. Groups: PB0xxx syntax,
/// PB1xxx names and references, PB2xxx flow, PB3xxx expressions and values, PB4xxx time and
/// objectives, PB9xxx input files. IDs are never reused; a test checks they are unique and that
/// each one is documented in grammar/README.md and has a case file under tests/.</summary>
public static class DiagnosticCatalog
{
    private static DiagnosticDescriptor Error(string id, string title, string format) => new(id, Severity.Error, title, format);
    private static DiagnosticDescriptor Warning(string id, string title, string format) => new(id, Severity.Warning, title, format);

    // ---- PB0xxx: syntax -------------------------------------------------------------------
    public static readonly DiagnosticDescriptor UnexpectedInput =
        Error("PB0001", "Unexpected input", "expected {0}, found {1}");
    public static readonly DiagnosticDescriptor UnterminatedString =
        Error("PB0002", "Unterminated string", "string is not closed: end it with {0}");
    public static readonly DiagnosticDescriptor UnterminatedExpression =
        Error("PB0003", "Unterminated expression", "expression is not closed: add {0} after it");
    public static readonly DiagnosticDescriptor UnclosedBlock =
        Error("PB0004", "Unclosed block", "{0} is not closed: add '}}' before {1}");
    public static readonly DiagnosticDescriptor EmptyFile =
        Error("PB0005", "No playbook in file", "the file holds no playbook: start it with 'playbook NAME {{ … }}'");
    public static readonly DiagnosticDescriptor NotText =
        Error("PB0006", "Not a UTF-8 text file", "{0}: a playbook must be UTF-8 text");
    public static readonly DiagnosticDescriptor FileTooLarge =
        Error("PB0007", "File too large", "the file is {0}; playbooks are limited to {1}: split it with 'call'");
    public static readonly DiagnosticDescriptor NestingTooDeep =
        Error("PB0008", "Nesting too deep", "{0} are nested more than {1} levels deep here; no playbook needs that many");
    public static readonly DiagnosticDescriptor InvalidDuration =
        Error("PB0009", "Invalid duration", "'{0}' is not a duration: write a number with a unit, like 500ms, 30s, 5m, 2h, 1d or 1h30m");
    public static readonly DiagnosticDescriptor InvalidNumber =
        Error("PB0010", "Invalid number", "'{0}' is not a valid number{1}");
    public static readonly DiagnosticDescriptor TextAfterPlaybook =
        Error("PB0011", "Text after the playbook", "only one playbook per file: remove the text after the closing '}}' of '{0}'");
    public static readonly DiagnosticDescriptor InvalidEscape =
        Error("PB0012", "Invalid escape sequence", "'{0}' is not an escape sequence: use \\\" \\\\ \\n \\t \\r \\$ or \\u{{…}}");
    public static readonly DiagnosticDescriptor UnterminatedInterpolation =
        Error("PB0013", "Unterminated interpolation", "'${{' is not closed: add '}}' after the expression");
    public static readonly DiagnosticDescriptor UnknownStatement =
        Error("PB0014", "Unknown or misplaced statement", "'{0}' is not allowed {1}");
    public static readonly DiagnosticDescriptor UnknownExpressionLanguage =
        Error("PB0015", "Unknown expression language", "'{0}' is not an expression language: use js or csharp (prefix js`…` or cs`…`)");
    public static readonly DiagnosticDescriptor NotRegularFile =
        Error("PB0016", "Not a regular file", "this path is {0}, not a regular file: it is refused without being read; give a playbook file");

    // ---- PB1xxx: names and references --------------------------------------------------------
    public static readonly DiagnosticDescriptor UnknownTarget =
        Error("PB1001", "Unknown transition target", "'{0}' is not a state or phase of this playbook");
    public static readonly DiagnosticDescriptor DuplicateState =
        Error("PB1002", "Duplicate state name", "'{0}' is already the name of a {1} at line {2}: state and phase names must be unique");
    public static readonly DiagnosticDescriptor DuplicateParameter =
        Error("PB1003", "Duplicate name", "'{0}' is already declared as {1} at line {2}");
    public static readonly DiagnosticDescriptor UnknownName =
        Error("PB1004", "Unknown name", "'{0}' is not an input, let, secret or capture available here");
    public static readonly DiagnosticDescriptor UnknownPlaybook =
        Error("PB1005", "Unknown playbook", "no playbook '{0}': expected the file {1} beside this one");
    public static readonly DiagnosticDescriptor UnknownCallInput =
        Error("PB1006", "Unknown input of called playbook", "playbook '{0}' has no input '{1}'");
    public static readonly DiagnosticDescriptor MissingCallInput =
        Error("PB1007", "Missing input of called playbook", "playbook '{0}' needs input '{1}' (it has no default): add {1} = … to 'with {{ … }}'");
    public static readonly DiagnosticDescriptor CallCycle =
        Error("PB1008", "Call cycle", "calling '{0}' makes a cycle: {1}");
    public static readonly DiagnosticDescriptor UnknownStart =
        Error("PB1009", "Unknown start state", "'start {0}': there is no state or phase named '{0}'");
    public static readonly DiagnosticDescriptor PlaybookNameMismatch =
        Warning("PB1010", "Playbook name does not match file name", "playbook '{0}' is in file '{1}': other playbooks 'call' it by file name, so name the file {0}.playbook");
    public static readonly DiagnosticDescriptor NotAnIdentifier =
        Error("PB1011", "Name unusable in expressions", "'{0}' cannot be used in expressions: {1} names may use letters, digits and '_' only");
    public static readonly DiagnosticDescriptor DuplicateSetting =
        Error("PB1012", "Setting given twice", "'{0}' is already set at line {1}: give it once");
    public static readonly DiagnosticDescriptor ReservedName =
        Error("PB1013", "Reserved name", "'{0}' is a built-in name in expressions: choose another name");
    public static readonly DiagnosticDescriptor NotKebabCase =
        Warning("PB1014", "Playbook name is not kebab-case", "playbook name '{0}' should be kebab-case (lowercase words joined by '-'), as in '{1}'");

    // PB1101–PB1119: secrets.
    public static readonly DiagnosticDescriptor EmptySecretSource =
        Error("PB1101", "Empty secret source", "secret '{0}' is read from an empty {1}: give the {2}");
    public static readonly DiagnosticDescriptor SecretSourceWithHole =
        Error("PB1102", "Secret source with ${…}", "secret '{0}' is read before the run starts, when no value exists yet: its {1} cannot hold ${{…}}");

    // PB1701–PB1719: a process step's env { } and workdir.
    public static readonly DiagnosticDescriptor EnvOnWrongAction =
        Error("PB1701", "env or workdir on a step that starts no process", "'{0}' sets up the process of a shell or exec step; {1}");
    public static readonly DiagnosticDescriptor InvalidEnvName =
        Error("PB1702", "Invalid environment variable name", "'{0}' is not an environment variable name: use letters, digits and '_', not starting with a digit (like LC_ALL)");
    public static readonly DiagnosticDescriptor ReservedEnvName =
        Error("PB1703", "Environment variable that cannot be set", "env cannot set {0}: {1}");
    public static readonly DiagnosticDescriptor DuplicateEnvName =
        Error("PB1704", "Environment variable set twice", "'{0}' is already set at line {1}: set each variable once");
    public static readonly DiagnosticDescriptor EnvValueNotString =
        Error("PB1705", "Environment value not a string", "the value of {0} must be a string in quotes, like \"C\" or \"${{token}}\": an environment holds text");

    // PB1750–PB1799: readonly steps (what a rehearsal runs for real).
    public static readonly DiagnosticDescriptor ReadonlyWithoutReadingAction =
        Error("PB1750", "readonly on a step that reads nothing", "'readonly' marks a step whose action only reads (shell, exec, http or script); {0}");
    public static readonly DiagnosticDescriptor ReadonlyHttpWrites =
        Error("PB1751", "readonly http step with a writing method", "a readonly step cannot send '{0}': only GET, HEAD and OPTIONS only read");
    public static readonly DiagnosticDescriptor ReadonlyAndIdempotent =
        Warning("PB1752", "idempotent on a readonly step", "'idempotent' is redundant: a readonly step is idempotent already");

    // ---- PB2xxx: flow -------------------------------------------------------------------------
    public static readonly DiagnosticDescriptor UnreachableState =
        Warning("PB2001", "Unreachable state", "{0} '{1}' can never be reached from the start '{2}'");
    public static readonly DiagnosticDescriptor UnhandledOutcome =
        Warning("PB2002", "Outcome with no transition", "{0} '{1}' has no transition for outcome '{2}': the run would end 'aborted'; add 'on {2} -> …'");
    public static readonly DiagnosticDescriptor NoReachableEnd =
        Error("PB2003", "No end reachable", "no 'end' state can be reached from the start '{0}'");
    public static readonly DiagnosticDescriptor DeadEndState =
        Warning("PB2004", "State cannot reach an end", "no 'end' can be reached from {0} '{1}': once there, the run can never finish");
    public static readonly DiagnosticDescriptor UnboundedLoop =
        Warning("PB2005", "Loop with no bound", "the loop {0} has no wait, timeout or retry bound: it can spin forever; add a 'wait', a 'timeout' or a phase budget");
    public static readonly DiagnosticDescriptor MissingAction =
        Error("PB2006", "Step without action", "step '{0}' has no action: add one of shell, http, script, call or notify");
    public static readonly DiagnosticDescriptor ImpossibleOutcome =
        Error("PB2007", "Outcome the state cannot produce", "{0} '{1}' never has outcome '{2}': it can have {3}");
    public static readonly DiagnosticDescriptor ShadowedTransition =
        Warning("PB2008", "Transition never taken", "this 'on {0}' is never taken: an earlier transition for '{0}' at line {1} has no 'when' guard");
    public static readonly DiagnosticDescriptor RepeatedGuard =
        Warning("PB2022", "Guard repeated", "this 'when' is never taken: the 'when' at line {0} has the same condition, which was false if the run got here (guards are tried in order)");
    public static readonly DiagnosticDescriptor DecideWithoutElse =
        Warning("PB2009", "Decide without else", "decide '{0}' has no 'else': when no guard holds the run ends 'aborted'; add 'else -> …'");
    public static readonly DiagnosticDescriptor MultipleActions =
        Error("PB2010", "More than one action", "step '{0}' already has an action at line {1}: a step runs one action; split it into two steps");
    public static readonly DiagnosticDescriptor InvalidJoin =
        Error("PB2011", "Invalid parallel", "{0}");
    public static readonly DiagnosticDescriptor InvalidWait =
        Error("PB2012", "Invalid wait", "{0}");
    public static readonly DiagnosticDescriptor MissingPrompt =
        Error("PB2013", "Manual step without prompt", "manual '{0}' has no prompt: add prompt \"…\" saying what to decide");
    public static readonly DiagnosticDescriptor EmptyContainer =
        Error("PB2014", "Empty phase or branch", "{0} '{1}' has no states: add at least one step");
    public static readonly DiagnosticDescriptor TransitionLeavesBranch =
        Error("PB2015", "Transition leaves its branch", "'{0}' is outside branch '{1}': a branch's transitions stay inside the branch; its end is reported to the parallel's join");
    public static readonly DiagnosticDescriptor StartNotTopLevel =
        Error("PB2016", "Start inside a branch", "the start '{0}' is inside branch '{1}': start at a top-level state, a phase or a step in a phase");

    public static readonly DiagnosticDescriptor TargetInsideBranch =
        Error("PB2017", "Transition into a branch", "'{0}' is inside branch '{1}' of parallel '{2}': go to the parallel '{2}' instead, which runs its branches");

    public static readonly DiagnosticDescriptor NoStates =
        Error("PB2018", "Playbook without states", "playbook '{0}' has no states: add its steps and at least one 'end'");

    // ---- PB3xxx: expressions and values -----------------------------------------------------
    public static readonly DiagnosticDescriptor JavaScriptSyntax =
        Error("PB3001", "JavaScript syntax error", "JavaScript: {0}");
    public static readonly DiagnosticDescriptor CSharpError =
        Error("PB3002", "C# error", "C#: {0}");
    public static readonly DiagnosticDescriptor ForbiddenApi =
        Error("PB3003", "Forbidden API in expression", "C# expressions must be pure: '{0}' reaches {1}, which is not allowed");
    public static readonly DiagnosticDescriptor DefaultTypeMismatch =
        Error("PB3004", "Default does not match type", "the default of input '{0}' must be {1}, not {2}");
    public static readonly DiagnosticDescriptor UnknownType =
        Error("PB3005", "Unknown input type", "'{0}' is not an input type: use string, int, number, bool, duration or list");
    public static readonly DiagnosticDescriptor InvalidValue =
        Error("PB3006", "Invalid value", "{0}");

    // ---- PB31xx: values that reach a command -------------------------------------------------
    public static readonly DiagnosticDescriptor ArithmeticHole =
        Error("PB3101", "Value evaluated as arithmetic", "${{{0}}} stands in {1}, where bash evaluates a value as an expression: {2} could run a command there (a value like a[$(cmd)] runs cmd)");
    public static readonly DiagnosticDescriptor NestedShellHole =
        Error("PB3102", "Value parsed again by a nested shell", "${{{0}}} is part of {1}, which parses it again as code: {2} could run a command there (a value like 'x; touch pwned')");
    public static readonly DiagnosticDescriptor HereDocHole =
        Error("PB3103", "Value in a here-document", "${{{0}}} is in {1}, text that the program it feeds reads again: {2} could become code there");
    public static readonly DiagnosticDescriptor BackquoteHole =
        Error("PB3104", "Value in backquotes", "${{{0}}} is inside {1}, whose text bash parses a second time: {2} could become code there");
    public static readonly DiagnosticDescriptor SecretInExec =
        Error("PB3105", "Secret in a program argument", "secret '{0}' would be an argument of the program, which every local user can read (ps, /proc)");
    public static readonly DiagnosticDescriptor UnknownCaptureType =
        Error("PB3106", "Unknown capture type", "'{0}' is not a capture type: use string, int, number, bool, duration or list");
    public static readonly DiagnosticDescriptor CommandLineAsOneWord =
        Warning("PB3107", "Command line used as one word", "${{{0}}} is the command of this shell line, and its value \"{1}\" is a whole command line: it is passed as ONE word, so bash looks for a program named \"{1}\" and fails with exit 127");
    public static readonly DiagnosticDescriptor EmptyExec =
        Error("PB3108", "exec without a program", "exec needs at least the program: exec [\"prog\", \"arg\", …]");

    // ---- PB3201–PB3219: what expressions may reach at run time ---------------------------------
    public static readonly DiagnosticDescriptor JavaScriptCodeFromString =
        Error("PB3201", "JavaScript reaches code from strings or shared prototypes", "JavaScript expressions cannot use '{0}': {1}");

    // ---- PBx6xx: cleanup ----------------------------------------------------------------------
    public static readonly DiagnosticDescriptor SecondCleanup =
        Error("PB1601", "Second cleanup", "the playbook already has a cleanup at line {0}: a playbook has at most one; put these states in it");
    public static readonly DiagnosticDescriptor TransitionCrossesCleanup =
        Error("PB1602", "Transition into or out of the cleanup", "'{0}' is {1}: the cleanup's transitions stay inside it, and the run reaches it only by ending");
    public static readonly DiagnosticDescriptor EmptyCleanup =
        Error("PB2601", "Empty cleanup", "the cleanup has no states: add the steps that put things back, or remove it");
    public static readonly DiagnosticDescriptor RunOutsideCleanup =
        Error("PB3601", "run.* outside the cleanup", "'run' is readable only inside the cleanup: the run has not ended here");
    public static readonly DiagnosticDescriptor UnknownRunValue =
        Error("PB3602", "Unknown run value", "'run.{0}' is not a run value: the cleanup reads run.end, run.status, run.elapsed and run.id");

    // ---- PB4xxx: time and objectives ---------------------------------------------------------
    public static readonly DiagnosticDescriptor RtoExceeded =
        Warning("PB4001", "Worst case exceeds the RTO", "worst case to '{0}' is {1}, over the rto of {2}: path {3}");
    public static readonly DiagnosticDescriptor UnboundedWorstCase =
        Warning("PB4002", "Worst case is unbounded", "worst case to '{0}' is unbounded ({1}), so the rto of {2} cannot be guaranteed");
    public static readonly DiagnosticDescriptor InvalidRetry =
        Error("PB4003", "Invalid retry", "{0}");
    public static readonly DiagnosticDescriptor InvalidSimulate =
        Error("PB4004", "Invalid simulate hint", "{0}");
    public static readonly DiagnosticDescriptor PhaseBudgetExceeded =
        Warning("PB4005", "Phase budget shorter than its worst case", "phase '{0}' can take {1} in the worst case, over its budget of {2}: its deadline may cut it short");
    public static readonly DiagnosticDescriptor InvalidTimeout =
        Error("PB4006", "Invalid timeout", "{0}");

    // ---- PB9xxx: scenario files (playbook test) ---------------------------------------------
    public static readonly DiagnosticDescriptor InvalidScenarioFile =
        Error("PB9001", "Invalid scenario file", "{0}");
    public static readonly DiagnosticDescriptor UnknownScenarioKey =
        Error("PB9002", "Unknown key in scenario file", "'{0}' is not a key of {1}: use {2}");
    public static readonly DiagnosticDescriptor MissingScenarioKey =
        Error("PB9003", "Missing key in scenario file", "{0} needs '{1}': add '{1}: {2}'");
    public static readonly DiagnosticDescriptor InvalidScenarioValue =
        Error("PB9004", "Invalid value in scenario file", "{0}");
    public static readonly DiagnosticDescriptor ScenarioPlaybookNotFound =
        Error("PB9005", "Tested playbook not found", "no playbook at '{0}': 'playbook:' is a path relative to this file, like 'playbook: NAME.playbook'");
    public static readonly DiagnosticDescriptor ScenarioPlaybookHasErrors =
        Error("PB9006", "Tested playbook has errors", "playbook '{0}' has {1}, and only a playbook without errors can be tested: run 'playbook validate {0}' and fix the playbook");
    public static readonly DiagnosticDescriptor ScenarioUnknownState =
        Error("PB9007", "Unknown state in scenario", "'{0}' is not a state of playbook '{1}'");
    public static readonly DiagnosticDescriptor ScenarioInvalidDuration =
        Error("PB9008", "Invalid duration in scenario", "'{0}' is not a duration: write a number with a unit, like 500ms, 40s, 5m or 1h2m");
    public static readonly DiagnosticDescriptor ScenarioImpossibleOutcome =
        Error("PB9009", "Outcome the state cannot have", "{0} '{1}' cannot have outcome '{2}': use {3}");
    public static readonly DiagnosticDescriptor ScenarioInvalidInput =
        Error("PB9010", "Invalid scenario input", "{0}");
    public static readonly DiagnosticDescriptor ScenarioUnknownEnd =
        Error("PB9011", "Unknown end in expectation", "'{0}' is not an end of playbook '{1}': its ends are {2}");
    public static readonly DiagnosticDescriptor ScenarioStateNotScripted =
        Error("PB9012", "State a scenario cannot script", "{0} '{1}' {2}");
    public static readonly DiagnosticDescriptor DuplicateScenarioName =
        Error("PB9013", "Duplicate scenario name", "a scenario named '{0}' is already at line {1}: give each scenario its own name");
    public static readonly DiagnosticDescriptor ScenarioUnknownCapture =
        Error("PB9014", "Unknown capture in scenario", "{0}");
    public static readonly DiagnosticDescriptor ScenarioUnknownItem =
        Error("PB9570", "Unknown item in scenario outcomes", "'{0}' in the outcomes of foreach '{1}' is not one of the scenario's items: {2}");

    // ---- approvals (issues 14, 15) ------------------------------------------------------------
    public static readonly DiagnosticDescriptor InvalidApprovals =
        Error("PB2020", "Invalid approvers or quorum", "{0}");

    // ---- locks (issue 14) -------------------------------------------------------------------
    public static readonly DiagnosticDescriptor InvalidLock =
        Error("PB2021", "Invalid lock", "{0}");

    // ---- foreach (issue 11) ----------------------------------------------------------------
    public static readonly DiagnosticDescriptor ForeachWithoutEach =
        Error("PB2501", "Foreach without each", "foreach '{0}' has no 'each': add 'each ID in `list`' to say what it walks");
    public static readonly DiagnosticDescriptor InvalidForeachSetting =
        Error("PB2502", "Invalid foreach setting", "'{0} {1}' must be a whole number of at least 1");
    public static readonly DiagnosticDescriptor InvalidItemsHint =
        Error("PB2570", "Invalid items hint", "'items {0}..{1}': {2}, like 'items 10..200'");
    public static readonly DiagnosticDescriptor ItemsHintAboveMax =
        Error("PB2571", "Items hint above max", "'items …{0}' draws more items than foreach '{1}' accepts (max {2}): a real run would fail such a list; lower the hint or raise max");
    public static readonly DiagnosticDescriptor EmptyForeach =
        Error("PB2503", "Foreach without states", "foreach '{0}' has no states: add 'step NAME {{ … }}' for what runs per item");
    public static readonly DiagnosticDescriptor ForeachNotAList =
        Error("PB3501", "Foreach over something not a list", "'each' walks {0}, which is not a list: use a list input, a let holding [ … ] or a capture typed ': list'");
    public static readonly DiagnosticDescriptor ForeachNeedsMax =
        Error("PB3502", "Foreach without max", "foreach '{0}' walks {1}, whose length is known only when the run gets there: add 'max N' (a longer list fails the foreach)");
    public static readonly DiagnosticDescriptor ForeachItemShadows =
        Error("PB3503", "Item name already taken", "the item '{0}' would hide {1} of that name: name the item something else");

    private static readonly FieldInfo[] Fields = typeof(DiagnosticCatalog)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .ToArray();

    /// <summary>All descriptors, found by reflection so a new one can never be forgotten.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = Fields
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToList();

    /// <summary>Each ID's name in PascalCase, the name of its field here (PB1001 → UnknownTarget): the
    /// readable rule name SARIF viewers show beside the ID.</summary>
    public static IReadOnlyDictionary<string, string> NameById { get; } = Fields
        .ToDictionary(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id, f => f.Name, StringComparer.Ordinal);
}
