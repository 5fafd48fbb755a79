"""Writing outputs safely: text neutralised per channel, files written atomically.

Owns one function per output channel (spreadsheet cell, terminal, HTML, Markdown, XML, JSON) that
makes text from the inputs harmless where it is written, and the atomic writing of output files
with the checks that an output never overwrites an input. Imports only ``scoring.errors`` and the
standard library (openpyxl only inside the function that fills an xlsx cell).
"""
