from factcheck.cli import main

main(prog_name="factcheck")
