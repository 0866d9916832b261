<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Texts of Qt's own dialogs missing from the qtbase_fr.qm that PySide6 ships: Qt 6.12 added
     mnemonics to the file chooser's labels ("Look in:" became "&Look in:"), so the old
     translations no longer match. Found by opening each standard dialog behind a spying
     translator (tests/ui/test_file_choosers.py fails on any new English text).
     Compile: pyside6-lrelease resources/translations/qtbase_extra_fr.ts -->
<TS version="2.1" language="fr_FR">
<context>
    <name>QFileDialog</name>
    <message><source>&amp;Look in:</source><translation>&amp;Voir dans :</translation></message>
    <message><source>Files of &amp;type:</source><translation>Fichiers de &amp;type :</translation></message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message><source>Folder</source><translation>Dossier</translation></message>
    <message><source>Drive</source><translation>Lecteur</translation></message>
    <message><source>File</source><translation>Fichier</translation></message>
    <message><source>%1 File</source><translation>Fichier %1</translation></message>
    <message><source>Shortcut</source><translation>Raccourci</translation></message>
    <message><source>Alias</source><translation>Alias</translation></message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message><source>Page &amp;Set:</source><translation>&amp;Pages à imprimer :</translation></message>
</context>
</TS>
