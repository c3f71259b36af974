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
    public void The_name_index_is_the_documented_hmac_under_a_key_derived_from_the_master_key_and_not_the_master_key_itself()
    {
        // Computed apart (RFC 5869 HKDF and HMAC-SHA256 in Python) from docs/personal-data.md's encoding, so a third party can check one.
        byte[] master = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        var indexKey = PersonalDataCipher.NameIndexKey(master);

        Assert.Equal("e481f469fef1791ac3d92d55055923953277b1272721bfe480af3813541d8207", Convert.ToHexStringLower(indexKey));
        Assert.Equal("b8158e5bd575f7911d708ea8938e7d2806cbcc78a1dfa6f5fe4ec8b1734f7faa", Convert.ToHexStringLower(PersonalDataCipher.NameIndex(indexKey, "ama.mensah")));
        Assert.NotEqual(PersonalDataCipher.NameIndex(master, "ama.mensah"), PersonalDataCipher.NameIndex(indexKey, "ama.mensah"));
        Assert.Equal(PersonalDataCipher.NameIndex(indexKey, "ama.mensah"), new AccountNameProtector(new PersonalDataMasterKey(master)).Index("ama.mensah"));
    }

    [Fact]
    public void A_sealed_user_name_opens_with_its_subjects_key_under_the_master_key_that_wrapped_it_and_otherwise_throws_rather_than_answer()
    {
        var names = new AccountNameProtector(new PersonalDataMasterKey(PersonalDataCipher.NewKey()));
        var wrapped = names.NewWrappedKey("usr-1");
        var sealedName = names.Seal("usr-1", wrapped, "ama.mensah");

        Assert.Equal("ama.mensah", names.Open("usr-1", wrapped, sealedName));
        Assert.True(PersonalDataCipher.IsSealed(sealedName));
        Assert.Throws<InvalidOperationException>(() => names.Open("usr-1", names.NewWrappedKey("usr-1"), sealedName));
        Assert.Throws<InvalidOperationException>(() => new AccountNameProtector(new PersonalDataMasterKey(PersonalDataCipher.NewKey())).Open("usr-1", wrapped, sealedName));
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
