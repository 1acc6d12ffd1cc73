namespace PamMySqlNet.Tests.Hashing;

/// <summary>Rows made by independent reference tools (tests/data/vectors/README.md).</summary>
public class ReferenceVectorTests
{
    public static TheoryData<VectorRow> Positives() => new(VectorFile.Read("vectors.tsv"));

    public static TheoryData<VectorRow> Extras() => new(VectorFile.Read("extra.tsv"));

    [Theory]
    [MemberData(nameof(Extras))]
    public void Extra_vector_matches(VectorRow row) => Vector_matches(row);

    /// <summary>tests/data/vectors/formats.tsv: issue 14's formats (formats_gen.sh made them).</summary>
    public static TheoryData<VectorRow> Formats() => new(VectorFile.Read("formats.tsv"));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Format_vector_matches(VectorRow row) => Vector_matches(row);

    public static TheoryData<VectorRow> Negatives() => new(VectorFile.Read("negatives.tsv"));

    [Theory]
    [MemberData(nameof(Positives))]
    public void Vector_matches(VectorRow row)
    {
        foreach (var (mode, options, hash) in VectorFile.Modes(row.Scheme, row.Hash))
            Assert.True(VerifyResult.Match == PasswordVerifier.Verify(mode, row.Password, hash, options),
                $"{row} in mode {mode} (323={options.Use323Passwd}): {PasswordVerifier.Verify(mode, row.Password, hash, options)}");
    }

    [Theory]
    [MemberData(nameof(Negatives))]
    public void Negative_does_not_match(VectorRow row)
    {
        foreach (var (mode, options, hash) in VectorFile.Modes(row.Scheme, row.Hash))
        {
            var r = PasswordVerifier.Verify(mode, row.Password, hash, options);
            Assert.True(r != VerifyResult.Match, $"{row} matched in mode {mode}");
        }
    }

    [Fact]
    public void Files_are_not_empty()
    {
        Assert.True(VectorFile.Read("vectors.tsv").Count > 200);
        Assert.True(VectorFile.Read("negatives.tsv").Count > 300);
        Assert.True(VectorFile.Read("formats.tsv").Count > 150);
    }
}
