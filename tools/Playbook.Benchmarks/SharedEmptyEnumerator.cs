using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Playbook.Benchmarks;

/// <summary><c>--empty-enumerator [LOOPS]</c>: a <c>foreach</c> over an empty <c>List&lt;T&gt;</c> or array seen through an
/// interface gets the runtime's one shared empty enumerator for T (<c>SZGenericArrayEnumerator&lt;T&gt;.Empty</c>), and its
/// <c>MoveNext</c> writes that object's index. Two threads doing that, each over a list of its own, write one cache line
/// by turns. Stateless does it on every fire (each state's entry and exit actions, through <c>ICollection</c>), Jint on
/// every evaluation, the engine for a step's captures (<see cref="EmptyEnumeratorUsers"/> lists them). This loop does only
/// that, on one thread and then on two, with empty lists and with lists of one item.</summary>
internal static class SharedEmptyEnumerator
{
    public static void Run(long loops)
    {
        foreach (var items in new[] { 0, 1 })
        {
            ICollection<object> Make()
            {
                var list = new List<object>();
                for (var i = 0; i < items; i++) list.Add(new object());
                return list;
            }
            var lists = new[] { Make(), Make() };
            Loop(lists[0], loops / 10); // JIT
            for (var round = 0; round < 3; round++)
            {
                var watch = Stopwatch.StartNew();
                Loop(lists[0], loops);
                var one = watch.Elapsed.TotalSeconds;
                var threads = lists.Select(list => new Thread(() => Loop(list, loops))).ToArray();
                watch.Restart();
                foreach (var thread in threads) thread.Start();
                foreach (var thread in threads) thread.Join();
                var two = watch.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"lists of {items} item(s), {loops} loops a thread: 1 thread {one:F2} s, 2 threads (each its own list) {two:F2} s, x{2 * one / two:F2}"));
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Loop(ICollection<object> list, long loops)
    {
        var seen = 0;
        for (long i = 0; i < loops; i++)
        {
            foreach (var _ in list) seen++;
        }
        return seen;
    }
}

/// <summary><c>--empty-enumerator-users [RUNS]</c>: which element types' shared empty enumerator a simulated run of
/// partial-failure writes. The runtime keeps one <c>SZGenericArrayEnumerator&lt;T&gt;.Empty</c> per T, whose index starts
/// at −1 and is set by <c>MoveNext</c>. This resets the index of the candidates (every type of the engine, Stateless (its
/// nested types closed over the engine's int and string) and Jint, and some common ones, as T and in
/// <c>KeyValuePair&lt;string, T&gt;</c>), makes RUNS runs, and lists those whose index
/// moved: each is a loop, somewhere on the run's path, that every worker writes into the same object.</summary>
internal static class EmptyEnumeratorUsers
{
    public static void Run(int runs)
    {
        var bench = new SimulationBenchmarks();
        bench.Setup();
        var enumerator = typeof(object).Assembly.GetType("System.SZGenericArrayEnumerator`1", throwOnError: true)!;
        var index = enumerator.BaseType!.GetField("_index", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var types = new[] { typeof(Playbook.Compiling.CompiledPlaybook), typeof(Stateless.StateMachine<,>), typeof(Jint.Engine), typeof(Acornima.Parser) }
            .SelectMany(t => t.Assembly.GetTypes())
            .Concat([typeof(string), typeof(object), typeof(int), typeof(Type)])
            .Concat(typeof(Stateless.StateMachine<int, string>).GetNestedTypes(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .Where(t => t.IsGenericTypeDefinition && t.GetGenericArguments().Length == 2)
                .Select(t => t.MakeGenericType(typeof(int), typeof(string))))
            .Where(t => !t.IsGenericTypeDefinition && !t.ContainsGenericParameters && !t.IsByRefLike && !t.IsPointer && !t.IsByRef && t != typeof(void))
            .ToList();
        var candidates = types.Concat(types.Where(t => !t.IsValueType).Select(t => typeof(KeyValuePair<,>).MakeGenericType(typeof(string), t))).ToList();
        var singletons = new List<(Type T, object Empty)>();
        foreach (var t in candidates)
        {
            try
            {
                var empty = enumerator.MakeGenericType(t).GetField("Empty", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)?.GetValue(null);
                if (empty is not null) singletons.Add((t, empty));
            }
            catch (ArgumentException)
            {
                // Not a valid type argument (a static class, a ref struct): no enumerator of it can exist.
            }
        }
        foreach (var (_, empty) in singletons) index.SetValue(empty, -1);
        bench.RunMany(runs);
        var written = singletons.Where(s => (int)index.GetValue(s.Empty)! != -1).Select(s => s.T.ToString()).Order().ToList();
        Console.WriteLine($"{singletons.Count} candidate element types; after {runs} runs, the shared empty enumerator of {written.Count} was moved:");
        foreach (var name in written) Console.WriteLine("  " + name);
    }
}
