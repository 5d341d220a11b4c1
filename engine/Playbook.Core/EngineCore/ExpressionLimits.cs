namespace Playbook.EngineCore;

/// <summary>What one expression may use, the same for JavaScript and C# (documented in grammar/README.md,
/// Expressions). A breach fails the expression with a message that names the limit; the engine then
/// treats it like any other failing expression (the step fails, or the run stops at the guard).</summary>
public static class ExpressionLimits
{
    /// <summary>Wall-clock time of one evaluation.</summary>
    public static readonly TimeSpan Time = TimeSpan.FromSeconds(2);

    /// <summary>Bytes one evaluation may allocate (counted by the thread's allocation counter, as Jint does).</summary>
    public const long MemoryBytes = 16_000_000;

    /// <summary>Nested calls of the expression's own functions and lambdas.</summary>
    public const int Recursion = 64;

    /// <summary>How deeply a value (a capture, a JSON body, an expression's result) may nest: the depth
    /// of JSON bodies a real run parses, so every value the engine made itself fits.</summary>
    public const int ValueDepth = 256;

    /// <summary>How many lists, maps and items an expression's result may hold in all. Counted as the result
    /// is walked, so a small value that shares its parts (<c>a = [a, a]</c> forty times) cannot make the walk,
    /// or the journal that writes it, take forever.</summary>
    public const int ValueItems = 1_000_000;

    /// <summary>One regular-expression match: below <see cref="Time"/>, so a catastrophic pattern fails
    /// as a regex timeout rather than using up the whole expression.</summary>
    public static readonly TimeSpan RegexMatch = TimeSpan.FromSeconds(1);

    /// <summary>C# evaluations that outlived their time inside one framework call and could not be stopped
    /// (.NET cannot abort a thread): while this many are still running, no further C# evaluation starts.</summary>
    public const int Runaways = 4;
}
