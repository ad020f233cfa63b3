REM archiver's conversion server (archiver/engines/officeserver.py): one LibreOffice process
REM converts one file after another for a whole build, instead of one process per batch.
REM The spool is the folder "spool" beside the process's own user profile ("user").
REM Job n is the file spool/n.job, UTF-8 lines: the source URL, the target URL and the PDF
REM filter options (JSON, as --convert-to takes them; may be empty). The outcome goes to
REM n.done: "ok", or the error. The file "stop" ends the process once every job is done.
REM The documents are opened and stored with the arguments --convert-to uses
REM (desktop/source/app/dispatchwatcher.cxx), so the PDFs are the same.
REM Names such as Base, Name, Load and Text are Basic keywords: not used as variables.
Option Explicit

Sub Serve()
    Dim sfa As Object, folder As String, n As Long, job As String
    sfa = CreateUnoService("com.sun.star.ucb.SimpleFileAccess")
    folder = CreateUnoService("com.sun.star.util.PathSettings").UserConfig
    folder = Left(folder, Len(folder) - Len("user/config")) & "spool/"
    Answer(sfa, folder, "ready", "ok")
    n = 1
    Do
        job = folder & CStr(n) & ".job"
        If sfa.exists(job) Then
            Answer(sfa, folder, CStr(n) & ".done", Convert(sfa, job))
            n = n + 1
        ElseIf sfa.exists(folder & "stop") Then
            Exit Do
        Else
            Wait 20
        End If
    Loop
    StarDesktop.terminate()
End Sub

Function Convert(sfa As Object, job As String) As String
    Dim fields(2) As String, doc As Object
    Dim openArgs(4) As New com.sun.star.beans.PropertyValue
    Dim saveArgs(3) As New com.sun.star.beans.PropertyValue
    On Error GoTo Failed
    ReadFields(sfa, job, fields())
    openArgs(0).Name = "Referer" : openArgs(0).Value = "private:OpenEvent"
    openArgs(1).Name = "ReadOnly" : openArgs(1).Value = True
    openArgs(2).Name = "OpenNewView" : openArgs(2).Value = True
    openArgs(3).Name = "Hidden" : openArgs(3).Value = True
    openArgs(4).Name = "Silent" : openArgs(4).Value = True
    doc = StarDesktop.loadComponentFromURL(fields(0), "_blank", 0, openArgs())
    If IsNull(doc) Then
        Convert = "cannot open"
        Exit Function
    End If
    saveArgs(0).Name = "ConversionRequestOrigin" : saveArgs(0).Value = "CommandLine"
    saveArgs(1).Name = "Overwrite" : saveArgs(1).Value = True
    saveArgs(2).Name = "FilterName" : saveArgs(2).Value = PdfFilter(doc)
    saveArgs(3).Name = "FilterOptions" : saveArgs(3).Value = fields(2)
    doc.storeToURL(fields(1), saveArgs())
    doc.close(True)
    Convert = "ok"
    Exit Function
Failed:
    Convert = "error " & Err & ": " & Error$
    On Error Resume Next
    If Not IsNull(doc) Then doc.close(True)
End Function

Function PdfFilter(doc As Object) As String
    If doc.supportsService("com.sun.star.sheet.SpreadsheetDocument") Then
        PdfFilter = "calc_pdf_Export"
    ElseIf doc.supportsService("com.sun.star.presentation.PresentationDocument") Then
        PdfFilter = "impress_pdf_Export"
    ElseIf doc.supportsService("com.sun.star.drawing.DrawingDocument") Then
        PdfFilter = "draw_pdf_Export"
    ElseIf doc.supportsService("com.sun.star.text.WebDocument") Then
        PdfFilter = "writer_web_pdf_Export"
    ElseIf doc.supportsService("com.sun.star.text.GlobalDocument") Then
        PdfFilter = "writer_globaldocument_pdf_Export"
    Else
        PdfFilter = "writer_pdf_Export"
    End If
End Function

Sub ReadFields(sfa As Object, url As String, fields() As String)
    Dim stream As Object, i As Integer
    stream = CreateUnoService("com.sun.star.io.TextInputStream")
    stream.setInputStream(sfa.openFileRead(url))
    stream.setEncoding("UTF-8")
    For i = 0 To UBound(fields)
        If stream.isEOF() Then Exit For
        fields(i) = stream.readLine()
    Next i
    stream.closeInput()
End Sub

Sub Answer(sfa As Object, folder As String, leaf As String, outcome As String)
    Dim stream As Object
    stream = CreateUnoService("com.sun.star.io.TextOutputStream")
    stream.setOutputStream(sfa.openFileWrite(folder & leaf & ".tmp"))
    stream.setEncoding("UTF-8")
    stream.writeString(outcome)
    stream.closeOutput()
    sfa.move(folder & leaf & ".tmp", folder & leaf)
End Sub
