using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using PamMySqlNet.Module;

namespace PamMySqlNet.Tests.Abi;

/// <summary>The managed mirrors of native/pmn_abi.h's structs have the header's fields, in its
/// order, at the offsets the C compiler gives them, and the same sizes. The field list is read from
/// the header itself and the offsets come from compiling it, so a field added, moved or retyped on
/// one side only fails here instead of in a host.</summary>
public class AbiLayoutTests
{
    public static TheoryData<string, Type> Structs => new()
    {
        { "pmn_request", typeof(NativeRequest) },
        { "pmn_callbacks", typeof(NativeCallbacks) },
    };

    [Theory]
    [MemberData(nameof(Structs))]
    public void TheMirrorHasTheHeadersFieldsAtTheCompilersOffsets(string cStruct, Type mirror)
    {
        var cFields = HeaderFields(cStruct);
        var layout = CompiledLayout(cStruct, cFields);
        var managed = mirror.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .OrderBy(f => f.MetadataToken).ToArray();

        Assert.Equal(cFields.Select(Normalise), managed.Select(f => Normalise(f.Name)));
        foreach (var field in managed)
        {
            string cName = cFields.Single(c => Normalise(c) == Normalise(field.Name));
            Assert.True(layout[cName] == (long)Marshal.OffsetOf(mirror, field.Name),
                $"{cStruct}.{cName} is at {layout[cName]} in C, {mirror.Name}.{field.Name} at {Marshal.OffsetOf(mirror, field.Name)}");
        }
        Assert.Equal(layout["sizeof"], (long)SizeOf(mirror));
    }

    [Fact]
    public void TheHeaderParserFindsEveryField()
    {
        // Guards the parser above: a silently empty or short list would make the comparison vacuous.
        Assert.Equal(
            ["abi_version", "operation", "flags", "argc", "argv", "user", "service", "rhost", "caller_uid", "caller_pid", "callbacks"],
            HeaderFields("pmn_request"));
        Assert.Equal(["ctx", "log", "get_authtok", "set_authtok", "fail_delay", "remember", "recall"], HeaderFields("pmn_callbacks"));
    }

    /// <summary>snake_case and PascalCase compare equal (rhost = RHost, caller_uid = CallerUid).</summary>
    private static string Normalise(string name) => name.Replace("_", "").ToLowerInvariant();

    private static int SizeOf(Type t) => (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!;

    /// <summary>The field names of <c>typedef struct NAME { ... } NAME;</c>, in order: plain
    /// declarations and function pointers <c>(*name)(...)</c>.</summary>
    private static List<string> HeaderFields(string cStruct)
    {
        string header = Regex.Replace(RepoFiles.Read("native/pmn_abi.h"), @"/\*.*?\*/", " ", RegexOptions.Singleline);
        var body = Regex.Match(header, $@"typedef struct {cStruct}\s*\{{(.*?)\}}\s*{cStruct}\s*;", RegexOptions.Singleline);
        Assert.True(body.Success, $"struct {cStruct} not found in native/pmn_abi.h");
        var names = new List<string>();
        foreach (string declaration in body.Groups[1].Value.Split(';').Select(d => d.Trim()).Where(d => d.Length > 0))
        {
            var fn = Regex.Match(declaration, @"\(\s*\*\s*(\w+)\s*\)");
            names.Add(fn.Success ? fn.Groups[1].Value : Regex.Match(declaration, @"(\w+)\s*$").Groups[1].Value);
        }
        return names;
    }

    /// <summary>sizeof and offsetof for each field, as the C compiler lays the real header out.</summary>
    private static Dictionary<string, long> CompiledLayout(string cStruct, List<string> fields)
    {
        var program = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include \"pmn_abi.h\"\nint main(void) {\n");
        program.Append($"    printf(\"sizeof %zu\\n\", sizeof({cStruct}));\n");
        foreach (string f in fields)
            program.Append($"    printf(\"{f} %zu\\n\", offsetof({cStruct}, {f}));\n");
        program.Append("    return 0;\n}\n");
        return Encoding.ASCII.GetString(NativeProbe.CompileAndRun(program.ToString()))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(p => p[0], p => long.Parse(p[1]));
    }
}
