namespace Playbook.Syntax; internal static class Placeholder {}
