using Sprache;

namespace Playbook.Parsing;

/// <summary>Runs Sprache parsers one after another, keeping the first failure, with the committing
/// rules of <c>XOptional</c>: an optional part that fails without consuming input is simply absent.
/// The most frequent statements (transitions, timeouts, captures…) use it instead of LINQ query syntax,
/// which allocates several closures and results per part — measured at ~600 bytes per part, about five
/// times the cost of the statement itself on a 10 000-line playbook.</summary>
internal ref struct Sequence
{
    private string? _failureMessage;
    private IEnumerable<string>? _failureExpectations;
    private IInput? _failureAt;

    public Sequence(IInput start)
    {
        Start = start;
        At = start;
    }

    public IInput Start { get; }

    public IInput At { get; private set; }

    /// <summary>The end of the last token consumed (spans stop there, before trailing trivia).</summary>
    public int End => ((SourceInput)At).TokenEnd;

    public bool Next<T>(Parser<T> parser, out T value)
    {
        var r = parser(At);
        if (r.WasSuccessful)
        {
            value = r.Value;
            At = r.Remainder;
            return true;
        }
        value = default!;
        _failureAt = r.Remainder;
        _failureMessage = r.Message;
        _failureExpectations = r.Expectations;
        return false;
    }

    /// <summary>An optional part: absent when it fails where it started; an error when it fails after consuming input.</summary>
    public bool Optional<T>(Parser<T> parser, out T value, out bool failed)
    {
        var r = parser(At);
        failed = false;
        if (r.WasSuccessful)
        {
            value = r.Value;
            At = r.Remainder;
            return true;
        }
        value = default!;
        if (!r.Remainder.Equals(At))
        {
            failed = true;
            _failureAt = r.Remainder;
            _failureMessage = r.Message;
            _failureExpectations = r.Expectations;
        }
        return false;
    }

    public IResult<T> Fail<T>() => Result.Failure<T>(_failureAt ?? At, _failureMessage ?? "unexpected input", _failureExpectations ?? Array.Empty<string>());

    public IResult<T> Done<T>(T value) => ((SourceInput)At).Succeed(value);

    public override string ToString() => At.ToString()!;
}
