using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Playbook.Syntax;

namespace Playbook.LanguageServer.Features;

/// <summary>Every node under a syntax node, found through the records' public properties, so a node kind
/// added to the language is walked without this class changing.</summary>
public static class SyntaxWalk
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_children = new();

    public static IEnumerable<SyntaxNode> DescendantsAndSelf(SyntaxNode root)
    {
        var stack = new Stack<SyntaxNode>();
        var seen = new HashSet<SyntaxNode>(ReferenceEqualityComparer.Instance);
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            // Computed properties (a foreach's body as a branch, a step's action) hand back nodes already
            // in the tree, or new records over the same spans: each is walked once.
            if (!seen.Add(node)) continue;
            yield return node;
            foreach (var property in ChildProperties(node.GetType()))
            {
                switch (property.GetValue(node))
                {
                    case SyntaxNode child: stack.Push(child); break;
                    case IEnumerable items when items is not string:
                        foreach (var item in items) if (item is SyntaxNode c) stack.Push(c);
                        break;
                }
            }
        }
    }

    /// <summary>The smallest node of type <typeparamref name="T"/> whose span holds <paramref name="offset"/>
    /// (its end included, so a cursor just after a word still finds it).</summary>
    public static T? Innermost<T>(SyntaxNode root, int offset) where T : SyntaxNode =>
        DescendantsAndSelf(root).OfType<T>()
            .Where(n => n.Span.Start <= offset && offset <= n.Span.End)
            .MinBy(n => n.Span.Length);

    private static PropertyInfo[] ChildProperties(Type type) => s_children.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        // Only stored members: computed ones (States, Transitions, Holes…) repeat what Body/Parts hold.
        .Where(p => p.GetMethod is { } get && get.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
        .Where(p => typeof(SyntaxNode).IsAssignableFrom(p.PropertyType) || typeof(IEnumerable).IsAssignableFrom(p.PropertyType) && p.PropertyType != typeof(string))
        .ToArray());
}
