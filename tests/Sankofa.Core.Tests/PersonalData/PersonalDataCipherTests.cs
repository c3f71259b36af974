using Sankofa.Core.PersonalData;

namespace Sankofa.Core.Tests.PersonalData;

/// <summary>The encryption of personal data: what opens and what does not.</summary>
public sealed class PersonalDataCipherTests
{
    private readonly byte[] key = PersonalDataCipher.NewKey();

    [Fact]
    public void A_sealed_value_opens_for_its_subject_and_field_only_and_two_seals_of_one_value_differ()
    {
        var sealedValue = PersonalDataCipher.Seal(key, "usr-1", "email", "ama@example.org");

        Assert.StartsWith("pd1:", sealedValue, StringComparison.Ordinal);
        Assert.DoesNotContain("ama", sealedValue, StringComparison.Ordinal);
        Assert.True(PersonalDataCipher.TryOpen(key, "usr-1", "email", sealedValue, out var plain));
        Assert.Equal("ama@example.org", plain);
        Assert.False(PersonalDataCipher.TryOpen(key, "usr-2", "email", sealedValue, out _));
        Assert.False(PersonalDataCipher.TryOpen(key, "usr-1", "displayName", sealedValue, out _));
        Assert.False(PersonalDataCipher.TryOpen(PersonalDataCipher.NewKey(), "usr-1", "email", sealedValue, out _));
        // A random nonce per value: equal values do not give equal (linkable, guessable) ciphertexts or hashes.
        Assert.NotEqual(sealedValue, PersonalDataCipher.Seal(key, "usr-1", "email", "ama@example.org"));
    }

    [Fact]
    public void A_changed_or_malformed_value_does_not_open()
    {
        var sealedValue = PersonalDataCipher.Seal(key, "usr-1", "email", "ama@example.org");
        var flipped = sealedValue[..^2] + (sealedValue[^2] == 'A' ? 'B' : 'A') + sealedValue[^1];

        Assert.False(PersonalDataCipher.TryOpen(key, "usr-1", "email", flipped, out _));
        Assert.False(PersonalDataCipher.TryOpen(key, "usr-1", "email", "pd1:!!", out _));
        Assert.False(PersonalDataCipher.TryOpen(key, "usr-1", "email", "pd1:AAAA", out _));
        Assert.False(PersonalDataCipher.TryOpen(key, "usr-1", "email", "ama@example.org", out _));
    }

    [Fact]
    public void A_wrapped_key_unwraps_with_its_master_key_and_subject_only()
    {
        var master = PersonalDataCipher.NewKey();
        var wrapped = PersonalDataCipher.Wrap(master, "usr-1", key);

        Assert.Equal(key, PersonalDataCipher.Unwrap(master, "usr-1", wrapped));
        Assert.Null(PersonalDataCipher.Unwrap(master, "usr-2", wrapped));
        Assert.Null(PersonalDataCipher.Unwrap(PersonalDataCipher.NewKey(), "usr-1", wrapped));
    }
}
