namespace MedicalHub.Content.Formats.Hl7v2.Mapping;

/// <summary>
/// A coded element (HL7 CE, CWE or CNE): a code in a coding system, with its display text and an optional alternate
/// coding. <see cref="CodingSystem"/> is HL7's name for the system (<c>LN</c> for LOINC, <c>SCT</c> for SNOMED CT,
/// <c>UCUM</c>, <c>L</c> or <c>99xxx</c> for local codes…), not a URI.
/// </summary>
public sealed record CodedValue(string? Code, string? Text, string? CodingSystem, string? AlternateCode = null, string? AlternateText = null, string? AlternateCodingSystem = null)
{
    /// <summary>Whether there is a code or at least a text.</summary>
    public bool HasContent => Code is not null || Text is not null;
}

/// <summary>
/// A patient identifier (HL7 CX, from PID-3): the identifier, who issued it and what kind it is. Match patients on
/// <see cref="Value"/> together with the assigning authority: the same number from two authorities is two patients.
/// </summary>
/// <param name="Value">CX.1, the identifier itself (e.g. a medical record number).</param>
/// <param name="AssigningAuthority">CX.4.1, the issuer's namespace ID (e.g. <c>HOSP</c>).</param>
/// <param name="AssigningAuthorityUniversalId">CX.4.2, the issuer's universal ID (e.g. an OID).</param>
/// <param name="AssigningAuthorityUniversalIdType">CX.4.3, the kind of universal ID (<c>ISO</c> for an OID, <c>DNS</c>, <c>URI</c>…).</param>
/// <param name="IdentifierTypeCode">CX.5, table 0203: <c>MR</c> medical record number, <c>PI</c> patient internal identifier, <c>SS</c> social security number, <c>NH</c> national health number…</param>
/// <param name="AssigningFacility">CX.6.1, the facility where the identifier was assigned.</param>
public sealed record PatientIdentifier(string Value, string? AssigningAuthority, string? AssigningAuthorityUniversalId, string? AssigningAuthorityUniversalIdType, string? IdentifierTypeCode, string? AssigningFacility);

/// <summary>A person's name (HL7 XPN).</summary>
/// <param name="Family">XPN.1.1, the surname.</param>
/// <param name="Given">XPN.2, the first given name.</param>
/// <param name="MiddleNames">XPN.3, further given names or initials.</param>
/// <param name="Suffix">XPN.4, e.g. <c>JR</c>.</param>
/// <param name="Prefix">XPN.5, e.g. <c>DR</c>.</param>
/// <param name="Degree">XPN.6, e.g. <c>MD</c> (deprecated in later versions, still sent).</param>
/// <param name="NameTypeCode">XPN.7, table 0200: <c>L</c> legal, <c>D</c> display, <c>M</c> maiden, <c>A</c> alias, <c>B</c> birth…</param>
public sealed record PersonName(string? Family, string? Given, string? MiddleNames, string? Suffix, string? Prefix, string? Degree, string? NameTypeCode);

/// <summary>A postal address (HL7 XAD).</summary>
/// <param name="Street">XAD.1.1, street or mailing address.</param>
/// <param name="OtherDesignation">XAD.2, e.g. apartment, suite.</param>
/// <param name="City">XAD.3.</param>
/// <param name="StateOrProvince">XAD.4.</param>
/// <param name="PostalCode">XAD.5.</param>
/// <param name="Country">XAD.6 (ISO 3166 code).</param>
/// <param name="AddressType">XAD.7, table 0190: <c>H</c> home, <c>B</c> business, <c>M</c> mailing, <c>C</c> current/temporary, <c>P</c> permanent…</param>
public sealed record PostalAddress(string? Street, string? OtherDesignation, string? City, string? StateOrProvince, string? PostalCode, string? Country, string? AddressType);

/// <summary>A telephone number or e-mail address (HL7 XTN).</summary>
/// <param name="Value">The number or address in one string: the e-mail (XTN.4) for an Internet address, else the unformatted number (XTN.12), else one built from country code, area code, local number and extension (XTN.5–8), else the legacy text (XTN.1).</param>
/// <param name="Use">XTN.2, table 0201: <c>PRN</c> primary residence, <c>ORN</c> other residence, <c>WPN</c> work, <c>NET</c> network (e-mail)… For PID-13 and PID-14 without XTN.2, <c>PRN</c> and <c>WPN</c>.</param>
/// <param name="EquipmentType">XTN.3, table 0202: <c>PH</c> telephone, <c>CP</c> cellular, <c>FX</c> fax, <c>Internet</c>…</param>
/// <param name="Email">XTN.4, when the equipment is an Internet address.</param>
public sealed record TelecomNumber(string Value, string? Use, string? EquipmentType, string? Email);

/// <summary>
/// A patient's identity and demographics from a PID segment. Absent fields are null (or empty lists); a field sent as
/// HL7's explicit null (<c>""</c>, "delete the value you hold") is listed in <see cref="ExplicitlyNulledFields"/> as well.
/// </summary>
/// <param name="Identifiers">PID-3, every repetition (at least one in an ADT message). PID-2 and PID-4 (deprecated) are added after them when sent.</param>
/// <param name="Names">PID-5, every repetition (legal name usually first).</param>
/// <param name="BirthDate">PID-7 as a date, when at least the day was sent.</param>
/// <param name="BirthTime">PID-7 as sent (precision may be only the year).</param>
/// <param name="Sex">PID-8 as sent (table 0001: F, M, O, U, A, N).</param>
/// <param name="Gender">PID-8 mapped as FHIR maps v2 administrative sex (A, N and O become <see cref="AdministrativeGender.Other"/>); null when absent.</param>
/// <param name="Addresses">PID-11, every repetition.</param>
/// <param name="Phones">PID-13 (home) then PID-14 (business), every repetition.</param>
/// <param name="DeathTime">PID-29.</param>
/// <param name="Deceased">PID-30 (<c>Y</c>/<c>N</c>), null when absent.</param>
/// <param name="ExplicitlyNulledFields">Numbers of the PID fields sent as <c>""</c>.</param>
public sealed record PatientDemographics(
    IReadOnlyList<PatientIdentifier> Identifiers,
    IReadOnlyList<PersonName> Names,
    DateOnly? BirthDate,
    Hl7Timestamp? BirthTime,
    string? Sex,
    AdministrativeGender? Gender,
    IReadOnlyList<PostalAddress> Addresses,
    IReadOnlyList<TelecomNumber> Phones,
    Hl7Timestamp? DeathTime,
    bool? Deceased,
    IReadOnlyList<int> ExplicitlyNulledFields);

/// <summary>Administrative gender as FHIR R4 has it, the form Content keeps.</summary>
public enum AdministrativeGender
{
    /// <summary>male</summary>
    Male,
    /// <summary>female</summary>
    Female,
    /// <summary>other</summary>
    Other,
    /// <summary>unknown</summary>
    Unknown,
}

/// <summary>The MSH of a mapped message: who sent it, when, and its identity.</summary>
/// <param name="ControlId">MSH-10, what an acknowledgement echoes and a receiver deduplicates on (with the sender).</param>
/// <param name="MessageCode">MSH-9.1 (e.g. <c>ORU</c>).</param>
/// <param name="TriggerEvent">MSH-9.2 (e.g. <c>R01</c>).</param>
/// <param name="MessageStructure">MSH-9.3 when sent (e.g. <c>ORU_R01</c>).</param>
/// <param name="SendingApplication">MSH-3.1.</param>
/// <param name="SendingFacility">MSH-4.1.</param>
/// <param name="ReceivingApplication">MSH-5.1.</param>
/// <param name="ReceivingFacility">MSH-6.1.</param>
/// <param name="CreatedAt">MSH-7.</param>
/// <param name="ProcessingId">MSH-11.1 (<c>P</c> production, <c>T</c> training, <c>D</c> debugging).</param>
/// <param name="Version">MSH-12.1.</param>
public sealed record Hl7MessageHeader(string ControlId, string MessageCode, string TriggerEvent, string? MessageStructure, string? SendingApplication,
    string? SendingFacility, string? ReceivingApplication, string? ReceivingFacility, Hl7Timestamp? CreatedAt, string? ProcessingId, string Version);

/// <summary>
/// Something a mapping noticed and worked around without refusing the message (a number that is not one, an unknown
/// value type). <see cref="Text"/> names the rule, never the value, so it can be logged and sent back in an ACK.
/// </summary>
public sealed record Hl7MappingWarning(Hl7Location Location, string Text);
