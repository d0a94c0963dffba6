from response.cli import main

main()
