using Hl7.Fhir.Model;
using MedicalHub.Workflow.Api.Assistant;

namespace MedicalHub.Workflow.Tests.Assistant;

/// <summary>De-identification before an AI call: what identifies the patient becomes placeholders, and comes back after.</summary>
public sealed class DeidentifierTests
{
    private static readonly Patient Dora = new()
    {
        Id = "p1",
        Name = [new HumanName { Family = "Quenneville", Given = ["Dorothea"] }],
        Identifier = [new Identifier("urn:oid:1.2.250.1.213.1.4.8", "2610775123456")],
        BirthDate = "1961-07-23",
        Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "+33 1 23 45 67 89"), new ContactPoint(ContactPoint.ContactPointSystem.Email, null, "dora.q@example.org")],
        Address = [new Address { Line = ["12 rue des Lilas"], City = "Lyon", PostalCode = "69003" }],
    };

    private static Deidentifier ForDora() => new(new PatientRecord(Dora, []).Identifying());

    private const string Letter = "Dorothea Quenneville (born 1961-07-23, NIR 2610775123456) was seen on 02/11/2026 and on 3 March 2025 for chest pain. "
        + "Mrs Quenneville lives at 12 rue des Lilas, 69003 Lyon; phone +33 1 23 45 67 89, mail dora.q@example.org, or her son at +44 20 7946 0958 / son@example.com. "
        + "HbA1c 7.2 %, creatinine 88 umol/L.";

    [Fact]
    public void Names_identifiers_dates_and_contacts_leave_as_placeholders_and_the_clinical_text_stays()
    {
        var protectedText = ForDora().Protect(Letter);

        foreach (var phi in new[] { "Dorothea", "Quenneville", "1961-07-23", "2610775123456", "02/11/2026", "3 March 2025", "Lilas", "69003", "Lyon",
                     "+33 1 23 45 67 89", "dora.q@example.org", "+44 20 7946 0958", "son@example.com" })
        {
            Assert.DoesNotContain(phi, protectedText, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("chest pain", protectedText, StringComparison.Ordinal);
        Assert.Contains("HbA1c 7.2 %, creatinine 88 umol/L.", protectedText, StringComparison.Ordinal);
        Assert.StartsWith("[NAME-1] (born [DATE-1], NIR [ID-1])", protectedText, StringComparison.Ordinal);
    }

    [Fact]
    public void One_value_always_gets_the_same_placeholder_and_restoring_gives_the_text_back()
    {
        var deidentifier = ForDora();

        var protectedText = deidentifier.Protect(Letter);

        var surname = deidentifier.Placeholders.Single(p => p.Value == "Quenneville").Key;
        Assert.Contains($"Mrs {surname} lives", protectedText, StringComparison.Ordinal);
        Assert.Equal(Letter, deidentifier.Restore(protectedText));
    }

    [Fact]
    public void A_placeholder_the_deidentifier_never_gave_is_left_alone()
    {
        var deidentifier = ForDora();
        deidentifier.Protect("Dorothea");

        Assert.Equal("Dorothea met [NAME-7] on [DATE-1].", deidentifier.Restore("[NAME-1] met [NAME-7] on [DATE-1]."));
    }

    private static readonly string[] StreamedPieces = ["Dear [NA", "ME-1], your test on [", "DATE-2", "] was normal [S1]. [Not a placeholder"];

    [Fact]
    public void A_streamed_answer_is_restored_even_when_a_placeholder_is_cut_between_pieces()
    {
        var deidentifier = ForDora();
        deidentifier.Protect(Letter);
        var stream = deidentifier.ForStream();

        var shown = StreamedPieces.Select(stream.Push).ToList();
        shown.Add(stream.Flush());

        Assert.Equal("Dear ", shown[0]);
        Assert.Equal("Dear Dorothea Quenneville, your test on 02/11/2026 was normal [S1]. [Not a placeholder", string.Concat(shown));
    }

    [Fact]
    public void Short_values_are_not_replaced_inside_words()
    {
        var deidentifier = new Deidentifier([(Deidentifier.Kinds.Name, "Al"), (Deidentifier.Kinds.Name, "Ann")]);

        Assert.Equal("Normal alkaline phosphatase; [NAME-1] is well; Annual review.", deidentifier.Protect("Normal alkaline phosphatase; Ann is well; Annual review."));
    }
}
