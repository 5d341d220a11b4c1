using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Playbook.Compiling;
using Playbook.Diagnostics;
using Playbook.Expressions;
using Playbook.EngineCore;
using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Playbook.Simulation.Scenarios;

/// <summary>Reads a <c>NAME.scenarios.yaml</c> file (YamlDotNet's representation model, so every node
/// knows where it is) and checks it against the playbook it names. Every problem is a PB9xxx
/// diagnostic at its line and column in the YAML; nothing here throws for a bad file.</summary>
internal sealed partial class ScenarioLoader
{
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>Deeper YAML than this is refused before the representation model (which recurses) sees it.</summary>
    public const int MaxDepth = 64;

    /// <summary>Values (outputs, captures) are copied into plain objects; aliases could make that
    /// exponential, so the copy stops after this many nodes.</summary>
    public const int MaxValueNodes = 100_000;

    private static readonly string[] FileKeys = ["playbook", "scenarios"];
    private static readonly string[] ScenarioKeys = ["name", "description", "inputs", "steps", "answers", "expect"];
    private static readonly string[] AttemptKeys = ["outcome", "duration", "captures", "outputs"];
    private static readonly string[] ForeachKeys = ["items", "outcomes"];
    private static readonly string[] ItemOutcomes = ["ok", "fail"];
    private static readonly string[] ExpectKeys = ["end", "status", "path", "attempts", "within", "captures"];
    private static readonly string[] ResponseKeys = ["status", "body", "json", "headers"];
    private static readonly string[] Statuses = ["success", "failure", "aborted"];

    private readonly SourceFile _source;
    private readonly DiagnosticBag _bag;
    private readonly ScenarioSession _session;
    private CompiledPlaybook? _playbook;
    private string? _playbookPath;
    private int _valueNodes;

    /// <summary>Keys reported as misspellings of a known key (map, key meant): that key is not reported missing too.</summary>
    private readonly HashSet<(YamlNode, string)> _misspelt = new();

    private ScenarioLoader(SourceFile source, ScenarioSession session)
    {
        _source = source;
        _bag = new DiagnosticBag(source);
        _session = session;
    }

    private PlaybookModel? Model => _playbook?.Model;

    public static ScenarioFile Load(string path, ScenarioSession session)
    {
        var (source, problem) = Read(path);
        if (problem is not null)
            return new ScenarioFile(source, null, null, Array.Empty<Scenario>(), new[] { DiagnosticCatalog.InvalidScenarioFile.Create(source, default, problem) });
        return FromSource(source, session);
    }

    /// <summary>Reads text that is not on disk (tests); the playbook is found relative to <paramref name="source"/>'s path.</summary>
    public static ScenarioFile FromSource(SourceFile source, ScenarioSession session)
    {
        var loader = new ScenarioLoader(source, session);
        var scenarios = loader.LoadAll();
        var diagnostics = loader._bag.ToList().Select((d, i) => (d, i)).OrderBy(x => x.d.Span.Start).ThenBy(x => x.i).Select(x => x.d).ToList();
        return new ScenarioFile(source, loader._playbookPath, loader._playbook, scenarios, diagnostics);
    }

    private static (SourceFile Source, string? Problem) Read(string path)
    {
        var contents = BoundedFileReader.Read(path, MaxBytes);
        if (contents.Special is { } special)
            return (new SourceFile(path, ""), $"this path is {special}, not a regular file: it is refused without being read");
        if (contents.TooLarge is { } size)
            return (new SourceFile(path, ""), $"the file is {size} bytes; scenario files are limited to 4 MiB: split it into several files");
        if (contents.Bytes is not { } bytes)
            return (new SourceFile(path, ""), $"cannot read the file ({contents.Error})");
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return (new SourceFile(path, ""), "not UTF-8 text: a scenario file must be UTF-8 YAML");
        }
        if (text.Contains('\0', StringComparison.Ordinal))
            return (new SourceFile(path, ""), "the file contains NUL bytes: a scenario file must be UTF-8 YAML text");
        if (text.StartsWith('\uFEFF')) text = text[1..];
        return (new SourceFile(path, text), null);
    }

    // ---- YAML ------------------------------------------------------------------------------------

    private List<Scenario> LoadAll()
    {
        var scenarios = new List<Scenario>();
        if (!CheckDepth()) return scenarios;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(_source.Text));
        }
        catch (YamlException e)
        {
            ReportYaml(e);
            return scenarios;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            _bag.Report(DiagnosticCatalog.InvalidScenarioFile, default, $"YAML: {e.Message}");
            return scenarios;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" } and { Tag.IsEmpty: true })
        {
            _bag.Report(DiagnosticCatalog.InvalidScenarioFile, default,
                "the file holds no scenarios: start it with 'playbook: NAME.playbook' and a 'scenarios:' list");
            return scenarios;
        }
        if (stream.Documents.Count > 1)
        {
            _bag.Report(DiagnosticCatalog.InvalidScenarioFile, SpanOf(stream.Documents[1].RootNode),
                "a scenario file holds one YAML document: remove the '---' and merge the scenarios into one 'scenarios:' list");
        }
        var root = Map(stream.Documents[0].RootNode, "the scenario file", FileKeys);
        if (root is null) return scenarios;

        if (root.TryGetValue("playbook", out var playbook)) LoadPlaybook(playbook.Value);
        else if (!_misspelt.Contains((stream.Documents[0].RootNode, "playbook")))
            _bag.Report(DiagnosticCatalog.MissingScenarioKey, SpanOf(stream.Documents[0].RootNode), "a scenario file", "playbook", "NAME.playbook");

        if (!root.TryGetValue("scenarios", out var list))
        {
            if (!_misspelt.Contains((stream.Documents[0].RootNode, "scenarios"))) _bag.Report(DiagnosticCatalog.MissingScenarioKey, SpanOf(stream.Documents[0].RootNode), "a scenario file", "scenarios", "[ … ]");
            return scenarios;
        }
        if (list.Value is not YamlSequenceNode sequence)
        {
            Invalid(list.Value, "'scenarios' must be a list of scenarios, each starting with '- name: …'");
            return scenarios;
        }
        if (sequence.Children.Count == 0)
        {
            Invalid(list.Value, "'scenarios' is empty: add at least one scenario ('- name: …')");
            return scenarios;
        }
        var names = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (LoadScenario(sequence.Children[i], i, names) is { } scenario) scenarios.Add(scenario);
        }
        return scenarios;
    }

    /// <summary>Walks the event stream (which does not recurse) to refuse hostile nesting before the
    /// representation model builds its recursive tree.</summary>
    private bool CheckDepth()
    {
        var parser = new Parser(new StringReader(_source.Text));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart:
                        if (++depth > MaxDepth)
                        {
                            _bag.Report(DiagnosticCatalog.InvalidScenarioFile, Span(parser.Current.Start.Index, parser.Current.End.Index),
                                $"YAML nested more than {MaxDepth} levels deep: no scenario needs that many");
                            return false;
                        }
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            ReportYaml(e);
            return false;
        }
        return true;
    }

    private void ReportYaml(YamlException e)
    {
        var message = PositionPrefix().Replace(e.InnerException is YamlException inner ? inner.Message : e.Message, "").Trim();
        if (message.Length == 0) message = "invalid YAML";
        message = char.ToLowerInvariant(message[0]) + message[1..];
        _bag.Report(DiagnosticCatalog.InvalidScenarioFile, Span(e.Start.Index, e.End.Index), $"YAML syntax: {message.TrimEnd('.')}: fix the YAML here");
    }

    [GeneratedRegex(@"^\s*\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();

    // ---- the playbook --------------------------------------------------------------------------

    private void LoadPlaybook(YamlNode node)
    {
        if (Text(node, "'playbook' must be the path of a playbook file, like 'playbook: NAME.playbook'") is not { } value) return;
        var directory = System.IO.Path.GetDirectoryName(_source.Path) ?? "";
        var path = Tidy(System.IO.Path.Combine(directory, value));
        _playbookPath = path;
        if (!File.Exists(path))
        {
            _bag.Report(DiagnosticCatalog.ScenarioPlaybookNotFound, SpanOf(node), path);
            return;
        }
        var (compiled, errors) = _session.Compile(path);
        if (compiled is null)
        {
            var count = errors.Count == 1 ? "1 error" : $"{errors.Count} errors";
            _bag.ReportWithHint(DiagnosticCatalog.ScenarioPlaybookHasErrors, SpanOf(node),
                errors.Count > 0 ? "the first: " + errors[0] : null, path, count);
            return;
        }
        _playbook = compiled;
    }

    /// <summary>"a/b/../c.playbook" as "a/c.playbook", relative to the working directory like the
    /// scenario file's own path, when that stays inside it.</summary>
    private static string Tidy(string path)
    {
        if (System.IO.Path.IsPathRooted(path)) return System.IO.Path.GetFullPath(path);
        var relative = System.IO.Path.GetRelativePath(Environment.CurrentDirectory, System.IO.Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative) ? path : relative;
    }

    // ---- one scenario -----------------------------------------------------------------------------

    private Scenario? LoadScenario(YamlNode node, int index, Dictionary<string, YamlNode> names)
    {
        var map = Map(node, "a scenario", ScenarioKeys);
        if (map is null) return null;
        var name = $"scenario {index + 1}";
        var nameSpan = SpanOf(node);
        if (map.TryGetValue("name", out var n))
        {
            if (Text(n.Value, "a scenario's 'name' must be text, like 'name: rollback works'") is { } text)
            {
                if (text.Trim().Length == 0)
                {
                    Invalid(n.Value, "a scenario's name must not be empty: say what the scenario checks");
                }
                else
                {
                    name = text;
                    nameSpan = SpanOf(n.Value);
                    if (names.TryGetValue(text, out var first))
                        _bag.Report(DiagnosticCatalog.DuplicateScenarioName, SpanOf(n.Value), text, Line(first));
                    else
                        names[text] = n.Value;
                }
            }
        }
        else if (!_misspelt.Contains((node, "name")))
        {
            _bag.Report(DiagnosticCatalog.MissingScenarioKey, SpanOf(node), "a scenario", "name", "what it checks");
        }
        if (map.TryGetValue("description", out var description)) Text(description.Value, "a scenario's 'description' must be text");

        var script = new SimulationScript();
        if (map.TryGetValue("steps", out var steps)) LoadSteps(steps.Value, script);
        if (map.TryGetValue("answers", out var answers)) LoadAnswers(answers.Value, script);
        var values = LoadInputs(map.TryGetValue("inputs", out var inputs) ? inputs : null, name, nameSpan);

        ScenarioExpectation expect = new();
        if (map.TryGetValue("expect", out var e)) expect = LoadExpect(e.Value);
        else if (!_misspelt.Contains((node, "expect"))) _bag.Report(DiagnosticCatalog.MissingScenarioKey, SpanOf(node), $"scenario '{name}'", "expect", "{ end: … }");

        return new Scenario(name, nameSpan, values, script, expect);
    }

    private IReadOnlyDictionary<string, object?> LoadInputs((YamlScalarNode Key, YamlNode Value)? inputs, string scenario, TextSpan scenarioSpan)
    {
        var given = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (inputs is { } i && Map(i.Value, "inputs", null) is { } map)
        {
            foreach (var (key, (keyNode, valueNode)) in map)
            {
                var input = Model?.Inputs.FirstOrDefault(x => x.Name.Text == key);
                // A list input takes a YAML sequence; every other input one scalar.
                var value = input?.Type.Text == "list" && valueNode is YamlSequenceNode ? Value(valueNode)
                    : ScalarValue(valueNode, $"input '{key}' must be a single value (text, a number, true/false or a duration{(input?.Type.Text == "list" ? ", or a list like [a, b]" : "")})");
                if (Model is null) continue;
                if (input is null)
                {
                    var known = Model.Inputs.Select(x => x.Name.Text).ToList();
                    _bag.ReportWithHint(DiagnosticCatalog.ScenarioInvalidInput, SpanOf(keyNode), Suggestion(key, known, "inputs"),
                        $"playbook '{Model.Name}' has no input '{key}': remove it or use one the playbook declares");
                    continue;
                }
                if (valueNode is YamlSequenceNode && value is System.Collections.IList items)
                {
                    var odd = items.Cast<object?>().Where(item => item is not (string or long or double)).Select(item => new { item }).FirstOrDefault();
                    if (odd is not null)
                        _bag.Report(DiagnosticCatalog.ScenarioInvalidInput, SpanOf(valueNode),
                            $"input '{key}' is list: its items must be strings or numbers, not '{ScenarioValues.Display(odd.item)}'");
                    else given[key] = value;
                    continue;
                }
                if (valueNode is not YamlScalarNode) continue;
                if (!RunParameters.TryConvert(input.Type.Text, RunScope.Display(value), out _))
                {
                    _bag.Report(DiagnosticCatalog.ScenarioInvalidInput, SpanOf(valueNode),
                        $"input '{key}' is {input.Type.Text}: '{RunScope.Display(value)}' is not {RunParameters.Describe(input.Type.Text)}");
                    continue;
                }
                given[key] = value;
            }
        }
        if (_playbook is null) return given;
        var missing = false;
        foreach (var input in Model!.Inputs.Where(x => x.Default is null && !given.ContainsKey(x.Name.Text)))
        {
            if (inputs is { } present && Map(present.Value, null, null) is { } m && m.ContainsKey(input.Name.Text)) continue; // reported above
            _bag.Report(DiagnosticCatalog.ScenarioInvalidInput, inputs is { } ip ? SpanOf(ip.Key) : scenarioSpan,
                $"scenario '{scenario}' must give input '{input.Name.Text}' (it has no default): add it under 'inputs:'");
            missing = true;
        }
        if (missing) return given;
        var (values, errors) = RunParameters.BindObjects(_playbook, given, Simulator.PlaceholderSecret);
        if (errors.Count > 0 && !_bag.HasErrors)
            _bag.Report(DiagnosticCatalog.ScenarioInvalidInput, inputs is { } ip2 ? SpanOf(ip2.Key) : scenarioSpan, string.Join("; ", errors));
        return values;
    }

    // ---- steps and answers --------------------------------------------------------------------------

    private void LoadSteps(YamlNode node, SimulationScript script)
    {
        var map = Map(node, "steps", null);
        if (map is null) return;
        foreach (var (name, (keyNode, value)) in map)
        {
            var state = ScriptableState(name, keyNode, "steps");
            if (state is { Kind: StateKind.Foreach })
            {
                if (LoadForeach(value, state) is { } loop) script.Foreach[name] = loop;
                continue;
            }
            var attempts = new List<StepScript>();
            if (value is YamlSequenceNode list)
            {
                if (list.Children.Count == 0)
                    Invalid(list, $"'{name}' lists no attempts: give one attempt map, or a list like [ {{ outcome: fail }}, {{ outcome: ok }} ]");
                foreach (var item in list.Children) attempts.Add(LoadAttempt(item, state));
            }
            else
            {
                attempts.Add(LoadAttempt(value, state));
            }
            script.Steps[name] = attempts;
        }
    }

    /// <summary>A foreach under 'steps': <c>{ items: [a, b], outcomes: { b: fail } }</c>. Items are text or
    /// numbers (what a list input holds); an outcome names an item of <c>items</c> by its value.</summary>
    private ForeachScript? LoadForeach(YamlNode node, StateSymbol state)
    {
        var map = Map(node, $"foreach '{state.Name}'", ForeachKeys);
        if (map is null) return null;
        List<object?>? items = null;
        if (map.TryGetValue("items", out var i))
        {
            if (i.Value is not YamlSequenceNode sequence)
            {
                Invalid(i.Value, $"'items' of foreach '{state.Name}' must be a list, like [a, b, c]");
                return null;
            }
            items = new List<object?>(sequence.Children.Count);
            foreach (var child in sequence.Children)
            {
                var item = child is YamlScalarNode ? Value(child) : null;
                if (item is not (string or long or double))
                {
                    Invalid(child, $"an item of foreach '{state.Name}' must be text or a number, as in a list input");
                    return null;
                }
                items.Add(item);
            }
        }
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.TryGetValue("outcomes", out var o) && Map(o.Value, $"'outcomes' of foreach '{state.Name}'", null) is { } given)
        {
            var known = items?.Select(ScenarioValues.Display).ToList();
            foreach (var (item, (keyNode, valueNode)) in given)
            {
                if (Text(valueNode, $"the outcome of item '{item}' must be one word: ok or fail") is not { } word) continue;
                if (!ItemOutcomes.Contains(word))
                {
                    _bag.ReportWithHint(DiagnosticCatalog.ScenarioImpossibleOutcome, SpanOf(valueNode), Suggestion(word, ItemOutcomes),
                        "an item of foreach", state.Name, word, Or(ItemOutcomes));
                    continue;
                }
                if (known is null)
                {
                    _bag.Report(DiagnosticCatalog.ScenarioUnknownItem, SpanOf(keyNode), item, state.Name,
                        "the scenario gives no 'items': add 'items: [ … ]' so that every outcome names an item of a known list");
                    continue;
                }
                if (!known.Contains(item))
                {
                    _bag.ReportWithHint(DiagnosticCatalog.ScenarioUnknownItem, SpanOf(keyNode), Suggestion(item, known),
                        item, state.Name, known.Count <= 10 ? $"its items are {Or(known, "and")}" : $"its items are {string.Join(", ", known.Take(10))} and {known.Count - 10} more");
                    continue;
                }
                outcomes[item] = word;
            }
        }
        return new ForeachScript(items, outcomes);
    }

    /// <summary>The state a steps/answers entry names, when it exists and a scenario can script it.</summary>
    private StateSymbol? ScriptableState(string name, YamlScalarNode keyNode, string where)
    {
        if (Model is null) return null;
        var reported = false;
        var state = Model.Lookup(name) ?? ItemState(name, keyNode, out reported);
        if (state is null)
        {
            if (!reported) ReportUnknownState(name, keyNode);
            return null;
        }
        var why = state.Kind switch
        {
            StateKind.Decide => "is decided by its guards, not scripted: script the steps whose captures the guards read",
            StateKind.Parallel => "runs its branches: script the states inside them",
            StateKind.Foreach when where != "steps" => "runs its body once per item: script a state of one item as NAME[i]/STATE (i from 1)",
            StateKind.Phase => "is a phase: script the states inside it",
            StateKind.End => "is an end: a scenario expects it with 'expect: { end: … }'",
            StateKind.Wait when state.Syntax.Find<UntilSyntax>() is null => "waits a fixed time and always ends ok: a scenario cannot script it",
            StateKind.Step or StateKind.Wait when where == "answers" => $"is a {state.KindName}, not a manual step: script it under 'steps:'",
            _ => null,
        };
        if (why is not null)
        {
            _bag.Report(DiagnosticCatalog.ScenarioStateNotScripted, SpanOf(keyNode), state.KindName, name, why);
            return null;
        }
        return state;
    }

    /// <summary>The state one item's address names: "dead-letter[2]/move" is state move of the second item (i from 1).
    /// Null when <paramref name="name"/> is not such an address, or (<paramref name="reported"/>) names a state outside the body.</summary>
    private StateSymbol? ItemState(string name, YamlScalarNode keyNode, out bool reported)
    {
        reported = false;
        var slash = name.IndexOf("]/", StringComparison.Ordinal);
        var open = slash > 0 ? name.LastIndexOf('[', slash) : -1;
        if (open <= 0
            || !int.TryParse(name.AsSpan(open + 1, slash - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index < 1
            || Model!.Lookup(name[..open]) is not { Kind: StateKind.Foreach } loop)
            return null;
        var state = Model.Lookup(name[(slash + 2)..]);
        if (state is not null && state.Branch?.Parallel == loop) return state;
        Invalid(keyNode, $"'{name[(slash + 2)..]}' is not a state in the body of foreach '{loop.Name}'");
        reported = true;
        return null;
    }

    private StepScript LoadAttempt(YamlNode node, StateSymbol? state)
    {
        var map = Map(node, "an attempt", AttemptKeys);
        if (map is null) return new StepScript();
        string? outcome = null;
        TimeSpan? duration = null;
        IReadOnlyDictionary<string, object?>? captures = null;
        IReadOnlyDictionary<string, object?>? outputs = null;
        if (map.TryGetValue("outcome", out var o) && Text(o.Value, "'outcome' must be one word, like ok, fail or timeout") is { } word)
        {
            outcome = word;
            if (state is not null)
            {
                var allowed = Outcomes(state);
                if (!allowed.Contains(word))
                {
                    var hint = word == "timeout" ? $"{state.KindName} '{state.Name}' has no 'timeout' setting (and no phase budget), so it never times out" : Suggestion(word, allowed);
                    _bag.ReportWithHint(DiagnosticCatalog.ScenarioImpossibleOutcome, SpanOf(o.Value), hint, state.KindName, state.Name, word, Or(allowed));
                }
            }
        }
        if (map.TryGetValue("duration", out var d)) duration = Duration(d.Value);
        var manual = state?.Kind == StateKind.Manual;
        if (map.TryGetValue("captures", out var c))
        {
            if (manual) Invalid(c.Key, $"manual '{state!.Name}' captures nothing: its answer takes only 'outcome' and 'duration'");
            else captures = LoadCaptures(c.Value, state);
        }
        if (map.TryGetValue("outputs", out var p))
        {
            if (manual) Invalid(p.Key, $"manual '{state!.Name}' has no action output: its answer takes only 'outcome' and 'duration'");
            else outputs = LoadOutputs(p.Value);
        }
        return new StepScript(outcome, duration, captures, outputs);
    }

    /// <summary>The outcomes a scenario may give one attempt of a state.</summary>
    internal static IReadOnlyList<string> Outcomes(StateSymbol state)
    {
        var outcomes = state.Kind == StateKind.Wait
            ? new List<string> { "ok", "fail" }
            : PlaybookModel.OutcomesOf(state).Where(o => o != "timeout").ToList();
        var timesOut = state.Syntax.Find<TimeoutSyntax>() is not null
            || (state.Phase?.Syntax as PhaseSyntax)?.Within is not null;
        if (timesOut) outcomes.Add("timeout");
        return outcomes;
    }

    private Dictionary<string, object?>? LoadCaptures(YamlNode node, StateSymbol? state)
    {
        var map = Map(node, "captures", null);
        if (map is null) return null;
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var declared = state is null ? null : _playbook!.ByName[state.Name].Captures;
        var own = declared?.Select(x => x.Name).ToList();
        foreach (var (name, (keyNode, value)) in map)
        {
            if (own is not null && !own.Contains(name))
            {
                var what = own.Count == 0 ? "it captures nothing" : $"it captures {Or(own, "and")}";
                _bag.ReportWithHint(DiagnosticCatalog.ScenarioUnknownCapture, SpanOf(keyNode), Suggestion(name, own, "captures"),
                    $"{state!.KindName} '{state.Name}' has no capture '{name}' ({what}): script only the state's own captures");
            }
            var scripted = Value(value);
            // A typed capture holds only values of its type in a dry run too, as the engine guarantees in a real one.
            if (declared?.FirstOrDefault(c => c.Name == name) is { Type: { } type } && !CaptureTypes.TryConvert(type, scripted, out scripted))
                Invalid(value, $"capture '{name}' of {state!.KindName} '{state.Name}' is typed {type}: script {CaptureTypes.Expected(type)}, like {Example(type)}");
            result[name] = scripted;
        }
        return result;
    }

    private static string Example(string type) => type switch
    {
        "int" => "42",
        "number" => "0.5",
        "bool" => "true",
        "duration" => "30s",
        "list" => "[a, b]",
        _ => "\"text\"",
    };

    private Dictionary<string, object?>? LoadOutputs(YamlNode node)
    {
        var map = Map(node, "outputs", CSharpGlobals.ResultNames.Keys.ToArray());
        if (map is null) return null;
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, (_, value)) in map)
        {
            if (name == "response" && value is YamlMappingNode) Map(value, "response", ResponseKeys);
            result[name] = Value(value);
        }
        return result;
    }

    private void LoadAnswers(YamlNode node, SimulationScript script)
    {
        var map = Map(node, "answers", null);
        if (map is null) return;
        foreach (var (name, (keyNode, value)) in map)
        {
            var state = ScriptableState(name, keyNode, "answers");
            if (Text(value, "an answer is one word: approve, reject or timeout") is not { } answer) continue;
            if (state is not null)
            {
                var allowed = Outcomes(state);
                if (!allowed.Contains(answer))
                {
                    var hint = answer == "timeout" ? $"manual '{name}' has no 'timeout' setting, so it waits for ever" : Suggestion(answer, allowed);
                    _bag.ReportWithHint(DiagnosticCatalog.ScenarioImpossibleOutcome, SpanOf(value), hint, state.KindName, name, answer, Or(allowed));
                }
            }
            script.Answers[name] = answer;
        }
    }

    // ---- expect ---------------------------------------------------------------------------------------

    private ScenarioExpectation LoadExpect(YamlNode node)
    {
        var map = Map(node, "expect", ExpectKeys);
        var expect = new ScenarioExpectation();
        if (map is null) return expect;
        if (map.Count == 0) Invalid(node, "'expect' is empty: say what the run must show (end, status, path, attempts, within, captures)");
        if (map.TryGetValue("end", out var end) && Text(end.Value, "'end' is the name of an end state") is { } endName)
        {
            expect = expect with { End = endName };
            if (Model is not null && Model.Lookup(endName) is not { IsEnd: true })
            {
                var ends = Model.RunnableStates.Where(s => s.IsEnd).Select(s => s.Name).ToList();
                _bag.ReportWithHint(DiagnosticCatalog.ScenarioUnknownEnd, SpanOf(end.Value), Suggestion(endName, ends), endName, Model.Name, Or(ends));
            }
        }
        if (map.TryGetValue("status", out var status) && Text(status.Value, "'status' is success, failure or aborted") is { } s)
        {
            if (Statuses.Contains(s)) expect = expect with { Status = s };
            else
                _bag.ReportWithHint(DiagnosticCatalog.InvalidScenarioValue, SpanOf(status.Value), Suggestion(s, Statuses),
                    $"'{s}' is not a status: use success, failure or aborted");
        }
        if (map.TryGetValue("path", out var path))
        {
            if (path.Value is not YamlSequenceNode list)
            {
                Invalid(path.Value, "'path' is a list of state names, like [tail, choose, rollback]");
            }
            else
            {
                var names = new List<string>();
                foreach (var item in list.Children)
                {
                    if (Text(item, "'path' lists state names") is not { } stateName) continue;
                    names.Add(stateName);
                    if (Model is null) continue;
                    if (Model.Lookup(stateName) is { Kind: StateKind.Phase } phase)
                        _bag.ReportWithHint(DiagnosticCatalog.ScenarioUnknownState, SpanOf(item),
                            $"'{stateName}' is a phase: the path lists the states inside it ({string.Join(", ", phase.Members.Select(m => m.Name))})", stateName, Model.Name);
                    else if (Model.Lookup(stateName) is null) ReportUnknownState(stateName, item);
                }
                expect = expect with { Path = names };
            }
        }
        if (map.TryGetValue("attempts", out var attempts) && Map(attempts.Value, "attempts", null) is { } counts)
        {
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, (keyNode, value)) in counts)
            {
                // A state, or one foreach item's state ("dead-letter[2]/move": that item's attempts alone).
                var reported = false;
                if (Model is not null && (Model.Lookup(name) ?? ItemState(name, keyNode, out reported)) is not { Kind: not StateKind.Phase } && !reported)
                    ReportUnknownState(name, keyNode);
                if (value is YamlScalarNode { Style: ScalarStyle.Plain } scalar && int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                    result[name] = count;
                else
                    Invalid(value, $"attempts of '{name}' must be a whole number (0 when the state must not run)");
            }
            expect = expect with { Attempts = result };
        }
        if (map.TryGetValue("within", out var within)) expect = expect with { Within = Duration(within.Value) };
        if (map.TryGetValue("captures", out var captures) && Map(captures.Value, "captures", null) is { } expected)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            var known = _playbook?.CaptureNames;
            foreach (var (name, (keyNode, value)) in expected)
            {
                if (known is not null && !known.Contains(name))
                {
                    _bag.ReportWithHint(DiagnosticCatalog.ScenarioUnknownCapture, SpanOf(keyNode), Suggestion(name, known, "captures"),
                        known.Count == 0
                            ? $"playbook '{Model!.Name}' captures nothing, so it has no capture '{name}'"
                            : $"playbook '{Model!.Name}' has no capture '{name}': it captures {Or(known, "and")}");
                }
                result[name] = ScalarValue(value, $"the expected value of capture '{name}' must be a single value (compared as text)");
            }
            expect = expect with { Captures = result };
        }
        return expect;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private void ReportUnknownState(string name, YamlNode node)
    {
        var names = Model!.RunnableStates.Select(s => s.Name).ToList();
        _bag.ReportWithHint(DiagnosticCatalog.ScenarioUnknownState, SpanOf(node), Suggestion(name, names, "states"), name, Model.Name);
    }

    /// <summary>"did you mean 'x'?", or else (when <paramref name="what"/> is given and the list is short) the names to choose from.</summary>
    private static string? Suggestion(string word, IReadOnlyCollection<string> candidates, string? what = null) =>
        Spelling.Suggest(word, candidates) is { } s ? $"did you mean '{s}'?"
        : what is not null && candidates.Count is > 0 and <= 12 ? $"the {what} are {Or(candidates, "and")}" : null;

    private static string Or(IEnumerable<string> words, string conjunction = "or")
    {
        var list = words.ToList();
        return list.Count switch
        {
            0 => "none",
            1 => list[0],
            _ => string.Join(", ", list.Take(list.Count - 1)) + $" {conjunction} " + list[^1],
        };
    }

    /// <summary>A mapping's entries by key, after reporting keys that are not text, unknown keys (when
    /// <paramref name="allowed"/> is given) and a node that is not a mapping at all (null then).</summary>
    private Dictionary<string, (YamlScalarNode Key, YamlNode Value)>? Map(YamlNode node, string? what, string[]? allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            if (what is not null)
                Invalid(node, node is YamlScalarNode { Value: null or "" }
                    ? $"{what} is empty: give a map of 'key: value' entries"
                    : $"{what} must be a map of 'key: value' entries");
            return null;
        }
        var result = new Dictionary<string, (YamlScalarNode, YamlNode)>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } text } scalar)
            {
                if (what is not null) Invalid(key, "a key must be a plain name");
                continue;
            }
            if (allowed is not null && !allowed.Contains(text))
            {
                if (what is not null)
                {
                    var meant = Spelling.Suggest(text, allowed);
                    var hint = meant is not null ? $"did you mean '{meant}'?" : null;
                    if (meant is not null) _misspelt.Add((node, meant));
                    _bag.ReportWithHint(DiagnosticCatalog.UnknownScenarioKey, SpanOf(key), hint, text, what, Or(allowed));
                }
                continue;
            }
            result[text] = (scalar, value);
        }
        return result;
    }

    private string? Text(YamlNode node, string message)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value }) return value;
        Invalid(node, message);
        return null;
    }

    private TimeSpan? Duration(YamlNode node)
    {
        if (node is YamlScalarNode { Value: { } text } && DurationText.TryParse(text, out var value) && value >= TimeSpan.Zero) return value;
        _bag.Report(DiagnosticCatalog.ScenarioInvalidDuration, SpanOf(node), node is YamlScalarNode sc ? sc.Value ?? "" : "(a list or map)");
        return null;
    }

    private object? ScalarValue(YamlNode node, string message)
    {
        if (node is YamlScalarNode) return Value(node);
        Invalid(node, message);
        return null;
    }

    /// <summary>A YAML value as a plain object: maps as Dictionary&lt;string, object?&gt;, lists as
    /// List&lt;object?&gt;, scalars as long, double, bool, string or null.</summary>
    private object? Value(YamlNode node)
    {
        if (++_valueNodes > MaxValueNodes)
        {
            if (_valueNodes == MaxValueNodes + 1)
                Invalid(node, $"values in this file have more than {MaxValueNodes} parts (aliases expanding?): scenarios need small values");
            return null;
        }
        switch (node)
        {
            case YamlScalarNode scalar:
                return scalar.Style == ScalarStyle.Plain ? ScenarioValues.FromPlainScalar(scalar.Value ?? "") : scalar.Value ?? "";
            case YamlSequenceNode list:
                return list.Children.Select(Value).ToList();
            case YamlMappingNode map:
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in map.Children)
                {
                    if (k is YamlScalarNode { Value: { } key }) result[key] = Value(v);
                    else Invalid(k, "a key must be a plain name");
                }
                return result;
            default:
                return null;
        }
    }

    private void Invalid(YamlNode node, string message) => _bag.Report(DiagnosticCatalog.InvalidScenarioValue, SpanOf(node), message);

    private int Line(YamlNode node) => _source.GetPosition(SpanOf(node).Start).Line;

    /// <summary>Where a node is: a scalar's whole text; for a map or list, up to the end of its first line.</summary>
    private TextSpan SpanOf(YamlNode node)
    {
        var span = Span(node.Start.Index, node.End.Index);
        if (node is not YamlScalarNode)
        {
            // A collection's end mark is not always set: its first line is what the caret shows anyway.
            var newline = _source.Text.IndexOf('\n', span.Start);
            span = TextSpan.FromBounds(span.Start, newline < 0 ? _source.Text.Length : newline);
            var trimmed = span.End;
            while (trimmed > span.Start && char.IsWhiteSpace(_source.Text[trimmed - 1])) trimmed--;
            span = TextSpan.FromBounds(span.Start, trimmed);
        }
        return span;
    }

    private TextSpan Span(long start, long end)
    {
        var s = (int)Math.Clamp(start, 0, _source.Text.Length);
        var e = (int)Math.Clamp(end, s, _source.Text.Length);
        return TextSpan.FromBounds(s, e);
    }
}
