// spearwatch's own YARA rule pack: structures of weaponised attachments, written for this project.
// Each rule runs on every object the content engine extracts (attachments, archive members, streams,
// embedded files). Meta fields read by spearwatch:
//   description  the finding's title
//   severity     info | low | medium | high | critical (default high)
//   technique    ATT&CK technique ids, comma-separated
// A match becomes the finding `yara.<rule name>`; weights can be set per id in the policy.

rule SW_LNK_Launcher_With_Command
{
    meta:
        description = "Windows shortcut that starts a script host or system binary with a command"
        severity = "critical"
        technique = "T1204.002,T1218"
    strings:
        $p1 = "powershell" ascii wide nocase
        $p2 = "mshta" ascii wide nocase
        $p3 = "cmd.exe" ascii wide nocase
        $p4 = "rundll32" ascii wide nocase
        $p5 = "regsvr32" ascii wide nocase
        $p6 = "wscript" ascii wide nocase
        $p7 = "cscript" ascii wide nocase
        $p8 = "certutil" ascii wide nocase
        $p9 = "bitsadmin" ascii wide nocase
        $c1 = "http" ascii wide nocase
        $c2 = "-enc" ascii wide nocase
        $c3 = "hidden" ascii wide nocase
        $c4 = "/c " ascii wide nocase
        $c5 = "frombase64" ascii wide nocase
    condition:
        uint32(0) == 0x0000004C and uint32(4) == 0x00021401 and any of ($p*) and any of ($c*)
}

rule SW_PDF_Auto_JavaScript
{
    meta:
        description = "PDF that runs JavaScript when it is opened"
        severity = "critical"
        technique = "T1204.002,T1059.007"
    strings:
        $open = /\/(OpenAction|AA)[\s<\[\/]/
        $js = /\/(JavaScript|JS)[\s<(\[\/]/
    condition:
        $open and $js and (uint32(0) == 0x46445025 or uint32(0) == 0x25504446 or
            for any i in (0..1024) : (uint32(i) == 0x46445025))
}

rule SW_RTF_Equation_Editor_Object
{
    meta:
        description = "RTF document embedding an Equation Editor object (the CVE-2017-11882 family)"
        severity = "critical"
        technique = "T1203"
    strings:
        $eq_hex = "4571756174696f6e2e33" nocase   // "Equation.3" as objdata hex
        $eq_cls = "Equation.3" nocase
        $objdata = "\\objdata" nocase
    condition:
        uint32(0) == 0x74725C7B and $objdata and ($eq_hex or $eq_cls)
}

rule SW_PowerShell_Download_Cradle
{
    meta:
        description = "PowerShell download-and-run cradle"
        severity = "critical"
        technique = "T1059.001,T1105"
    strings:
        $iex1 = "iex" ascii wide nocase fullword
        $iex2 = "invoke-expression" ascii wide nocase
        $dl1 = "downloadstring" ascii wide nocase
        $dl2 = "downloadfile" ascii wide nocase
        $dl3 = "net.webclient" ascii wide nocase
        $dl4 = "invoke-webrequest" ascii wide nocase
        $dl5 = "start-bitstransfer" ascii wide nocase
    condition:
        any of ($iex*) and any of ($dl*)
}

rule SW_Embedded_PE_In_Document
{
    meta:
        description = "Document or archive member carries a Windows executable inside its bytes"
        severity = "high"
        technique = "T1027.009,T1204.002"
    strings:
        $dos = "This program cannot be run in DOS mode" ascii
        $b64 = "TVqQAAMAAAAEAAAA" ascii   // base64 of an MZ header
    condition:
        uint16(0) != 0x5A4D and ($dos or $b64)
}

rule SW_HTML_Smuggled_Archive_Or_Executable
{
    meta:
        description = "Web page that assembles a download from an embedded base64 archive, disk image or executable"
        severity = "critical"
        technique = "T1027.006"
    strings:
        $mz = "TVqQ" ascii
        $zip = "UEsDB" ascii
        $iso = "Q0QwMDE" ascii
        $blob = "new Blob" ascii nocase
        $save1 = "msSaveOrOpenBlob" ascii nocase
        $save2 = "createObjectURL" ascii nocase
        $dec = "atob(" ascii nocase
    condition:
        ($blob or $dec) and any of ($save*) and any of ($mz, $zip, $iso)
}

rule SW_HTA_Application
{
    meta:
        description = "HTML application (HTA): a page that runs with full user rights in mshta"
        severity = "critical"
        technique = "T1218.005"
    strings:
        $hta = "<hta:application" ascii wide nocase
        $s1 = "<script" ascii wide nocase
    condition:
        $hta and $s1
}

rule SW_EPS_Exploit_Traits
{
    meta:
        description = "PostScript with exploit traits: long hex data decoded and executed (HWP EPS attacks)"
        severity = "high"
        technique = "T1203"
    strings:
        $hex = /<[0-9a-fA-F\s]{4096}/
        $op1 = "putinterval" ascii
        $op2 = "forall" ascii
        $op3 = " cvx" ascii
        $op4 = " exec" ascii
        $op5 = "readhexstring" ascii
    condition:
        (uint16(0) == 0x2125 or uint32(0) == 0xC6D3D0C5) and $hex and 3 of ($op*)
}

rule SW_VBA_Shell_Strings
{
    meta:
        description = "Script or macro text that creates a shell object and runs a command"
        severity = "high"
        technique = "T1059.005"
    strings:
        $o1 = "WScript.Shell" ascii wide nocase
        $o2 = "Shell.Application" ascii wide nocase
        $r1 = ".Run" ascii wide nocase
        $r2 = ".Exec" ascii wide nocase
        $r3 = "ShellExecute" ascii wide nocase
        $ox = "CreateObject" ascii wide nocase
    condition:
        any of ($o*) and any of ($r*) and $ox
}
