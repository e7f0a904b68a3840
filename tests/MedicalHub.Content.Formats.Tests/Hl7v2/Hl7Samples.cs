namespace MedicalHub.Content.Formats.Tests.Hl7v2;

/// <summary>Messages the tests read: examples from the HL7 v2 standard and realistic laboratory and registration traffic.</summary>
internal static class Hl7Samples
{
    public static string Segments(params string[] segments) => string.Join('\r', segments) + '\r';

    /// <summary>The ORU^R01 example of HL7 v2.4 chapter 7 (7.2.3), glucose as a structured numeric.</summary>
    public static readonly string SpecOruR01 = Segments(
        @"MSH|^~\&|GHH LAB|ELAB-3|GHH OE|BLDG4|200202150930||ORU^R01|CNTRL-3456|P|2.4",
        @"PID|||555-44-4444||EVERYWOMAN^EVE^E^^^^L|JONES|19620320|F|||153 FERNWOOD DR.^^STATESVILLE^OH^35292||(206)3345232|(206)752-121||||AC555444444||67-A4335^OH^20030520",
        @"OBR|1|845439^GHH OE|1045813^GHH LAB|15545^GLUCOSE|||200202150730|||||||||555-55-5555^PRIMARY^PATRICIA P^^^^MD^^|||||||||F||||||444-44-4444^HIPPOCRATES^HOWARD H^^^^MD",
        @"OBX|1|SN|1554-5^GLUCOSE^POST 12H CFST:MCNC:PT:SER/PLAS:QN||^182|mg/dl|70_105|H|||F");

    /// <summary>The ADT^A01 example of HL7 v2.8 chapter 3 (3.5.1).</summary>
    public static readonly string SpecAdtA01 = Segments(
        @"MSH|^~\&|ADT1|GOOD HEALTH HOSPITAL|GHH LAB, INC.|GOOD HEALTH HOSPITAL|198808181126|SECURITY|ADT^A01^ADT_A01|MSG00001|P|2.8||",
        @"EVN|A01|200708181123||",
        @"PID|1||PATID1234^^^GOOD HEALTH HOSPITAL^MR~123456789^^^USSSA^SS||EVERYMAN^ADAM^A^III||19610615|M||C|2222 HOME STREET^^GREENSBORO^NC^27401-1020|GL|(555) 555-2004|(555)555-2004||S||PATID12345001^2^M10^ADT1^AN^A|444333333|987654^NC|",
        @"NK1|1|NUCLEAR^NELDA^W|SPO^SPOUSE||||NK^NEXT OF KIN",
        @"PV1|1|I|2000^2012^01||||004777^ATTEND^AARON^A|||SUR||||ADM|A0|");

    /// <summary>A complete blood count from a hospital lab (v2.5.1, LOINC and UCUM, several OBX, notes, an abnormal flag, a corrected result).</summary>
    public static readonly string CompleteBloodCount = Segments(
        @"MSH|^~\&|LIS|CENTRAL LAB^2.16.840.1.113883.3.72.5.20^ISO|MEDICALHUB|PRACTICE-42|20261124083015+0100||ORU^R01^ORU_R01|LAB-20261124-0001|P|2.5.1|||AL|NE||UNICODE UTF-8",
        @"SFT|Acme Labs^L|4.2|LIS|4.2.17",
        @"PID|1||MRN0012345^^^PRACTICE42&2.16.840.1.113883.3.72.5.9.1&ISO^MR^CENTRAL LAB~1850712345678^^^INSEE&1.2.250.1.213.1.4.8&ISO^NH||Durand^Émilie^Anne^^Mme^^L~Martin^Émilie^^^^^M||19850712|F|||12 rue des Lilas^Bât. B^Lyon^^69003^FRA^H||^PRN^CP^emilie.durand@example.org~^PRN^PH^^33^4^78123456|^WPN^PH^^33^1^44556677^12",
        @"PV1|1|O",
        @"ORC|RE|ORD-778812|LAB-55431",
        @"OBR|1|ORD-778812|LAB-55431|58410-2^CBC panel - Blood by Automated count^LN|||20261124071500+0100|||||||||1234567^House^Gregory^^^DR||||||20261124081200+0100||HM|F",
        @"NTE|1|L|Specimen received at 07:52.",
        @"OBX|1|NM|6690-2^Leukocytes [#/volume] in Blood by Automated count^LN||11.8|10*3/uL^10*3/uL^UCUM|4.0-10.0|H|||F|||20261124071500+0100",
        @"OBX|2|NM|789-8^Erythrocytes [#/volume] in Blood by Automated count^LN||4.52|10*6/uL^10*6/uL^UCUM|3.90-5.20|N|||F",
        @"OBX|3|NM|718-7^Hemoglobin [Mass/volume] in Blood^LN||13.1|g/dL^g/dL^UCUM|12.0-16.0||||C|||20261124073000+0100",
        @"NTE|1|L|Corrected: instrument recalibrated.",
        @"NTE|2|L|Previous value 12.1 g/dL.",
        @"OBX|4|NM|777-3^Platelets [#/volume] in Blood by Automated count^LN||-|10*3/uL^10*3/uL^UCUM|150-400||||X",
        @"OBX|5|SN|5905-5^Monocytes/100 leukocytes in Blood by Automated count^LN||<^1|%^%^UCUM|<=12|L~A|||F",
        @"OBX|6|CWE|600-7^Bacteria identified in Blood by Culture^LN|1|3092008^Staphylococcus aureus^SCT^^^^20210731||||||P",
        @"OBX|7|ST|8251-1^Service comment^LN||Hémolyse légère \T\ lipémie; voir \E\note\E\ \F\ rapport||||||F",
        @"OBX|8|FT|48767-8^Annotation comment^LN||Line one\.br\Line two\.sp2\\H\Important\N\ end||||||F",
        @"OBX|9|DT|21112-8^Birth date^LN||19850712||||||F",
        @"ZLB|1|internal-routing^A7");

    /// <summary>An ADT^A08 with every demographic field the mapping reads, explicit nulls and a v2.3-style phone.</summary>
    public static readonly string AdtA08Update = Segments(
        @"MSH|^~\&|REG|CLINIC|MEDICALHUB|PRACTICE-42|202611240900||ADT^A08^ADT_A01|REG-000981|P|2.5",
        @"EVN|A08|202611240859|||CLERK01^Desk^Anna|202611240855",
        @"PID|1||445566^^^CLINIC^MR||O'Brien^Seán^Patrick^Jr^Mr^^L||20000229|M||2106-3|1 Main St^Apt 4^Springfield^IL^62701^USA^H~PO Box 9^^Springfield^IL^62705^USA^M||(217)555-0101^PRN^PH|""""|||||||||||||||""""|N",
        @"PV1|1|E");
}
