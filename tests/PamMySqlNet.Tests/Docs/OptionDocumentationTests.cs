namespace PamMySqlNet.Tests.Docs;

/// <summary>Every option the parser knows is documented where admins look: the README's options
/// table and pam_mysql_net(8).</summary>
public class OptionDocumentationTests
{
    private static string RepoFile(string relative) => RepoFiles.Read(relative);

    public static TheoryData<string> OptionNames()
    {
        var data = new TheoryData<string>();
        foreach (var spec in OptionTable.All)
            foreach (var name in spec.Aliases.Prepend(spec.Name))
                data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(OptionNames))]
    public void ReadmeOptionsTableNamesIt(string name) =>
        Assert.Contains($"`{name}`", RepoFile("README.md"));

    /// <summary>Bold in roff: after .B/.BI/.BR or \fB, or a later word of a .BR line ("name= ", ...).</summary>
    [Theory]
    [MemberData(nameof(OptionNames))]
    public void ManPageNamesIt(string name) =>
        Assert.Matches(new System.Text.RegularExpressions.Regex(
                $@"(^\.(B|BI|BR) |\\fB|"" ){System.Text.RegularExpressions.Regex.Escape(name)}(=|\\fR|\s|""|$)",
                System.Text.RegularExpressions.RegexOptions.Multiline),
            RepoFile("docs/man/pam_mysql_net.8"));

    [Fact]
    public void EveryConfigKeyIsInTheManPage()
    {
        string man = RepoFile("docs/man/pam_mysql_net.8");
        foreach (var spec in OptionTable.All.Where(s => s.ConfigKey.Length > 0 && s.ConfigKey.Contains('.')))
            Assert.Contains(@"\fB" + spec.ConfigKey + @"\fR", man);
    }
}
